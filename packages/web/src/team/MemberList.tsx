import type { Member } from '@reprise/protocol';
import { useState } from 'react';
import { removeMember } from '../api/index.js';
import { formatDateTime } from '../format/time.js';
import { errorMessage } from '../ui/errors.js';

interface MemberListProps {
  members: Member[];
  /** Id of the logged-in member, who cannot remove themselves here. */
  currentMemberId: string;
  onRemoved(): void;
}

export function MemberList({ members, currentMemberId, onRemoved }: MemberListProps) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const [removingId, setRemovingId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (member: Member) => {
    setRemovingId(member.id);
    setError(null);
    try {
      await removeMember(member.id);
      setConfirmingId(null);
      onRemoved();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setRemovingId(null);
    }
  };

  return (
    <>
      {error && (
        <p className="form-error" role="alert" data-testid="member-remove-error">
          {error}
        </p>
      )}
      <table className="member-table" data-testid="member-table">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.id} data-testid="member-row" data-member-email={member.email}>
              <td>
                {member.email}
                {member.id === currentMemberId && <span className="badge">You</span>}
              </td>
              <td className="member-table__role">{member.role}</td>
              <td>{formatDateTime(member.createdAt)}</td>
              <td className="member-table__actions">
                {member.id !== currentMemberId && confirmingId !== member.id && (
                  <button
                    type="button"
                    className="button button--ghost button--danger"
                    onClick={() => setConfirmingId(member.id)}
                    data-testid="member-remove"
                  >
                    Remove
                  </button>
                )}
                {confirmingId === member.id && (
                  <span className="confirm">
                    <span>Remove {member.email}?</span>
                    <button
                      type="button"
                      className="button button--danger"
                      disabled={removingId === member.id}
                      onClick={() => void remove(member)}
                      data-testid="member-remove-confirm"
                    >
                      {removingId === member.id ? 'Removing…' : 'Remove'}
                    </button>
                    <button
                      type="button"
                      className="button button--ghost"
                      onClick={() => setConfirmingId(null)}
                    >
                      Cancel
                    </button>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
