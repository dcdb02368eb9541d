import type { DeletionCounts, DeletionRequest } from '@reprise/protocol';
import { formatDateTime } from '../format/time.js';

const countLabels: Array<[keyof DeletionCounts, string, string]> = [
  ['replays', 'replay', 'replays'],
  ['blobs', 'file', 'files'],
  ['events', 'event', 'events'],
  ['profiles', 'profile', 'profiles'],
  ['identities', 'identity link', 'identity links'],
];

function describeCounts(counts: DeletionCounts): string {
  return countLabels
    .map(([key, one, many]) => `${counts[key]} ${counts[key] === 1 ? one : many}`)
    .join(' · ');
}

function statusText(request: DeletionRequest): string {
  if (request.status === 'pending' && request.error) return 'retrying';
  return request.status;
}

/** Table of deletion requests, newest first, with their status and what each deleted. */
export function DeletionRequestList({ requests }: { requests: DeletionRequest[] }) {
  return (
    <table className="member-table deletion-table" data-testid="deletion-table">
      <thead>
        <tr>
          <th scope="col">Requested</th>
          <th scope="col">By</th>
          <th scope="col">Ids</th>
          <th scope="col">Status</th>
          <th scope="col">Deleted</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((request) => (
          <tr
            key={request.id}
            data-testid="deletion-row"
            data-request-id={request.id}
            data-status={request.status}
          >
            <td>{formatDateTime(request.createdAt)}</td>
            <td className="deletion-table__by">{request.requestedBy}</td>
            <td className="numeric">
              {request.idCount}
              {request.resolvedIdCount > request.idCount && (
                <span
                  className="deletion-table__note"
                  title="Ids searched, with the devices and users linked to the requested ids by logins"
                >
                  {' '}
                  ({request.resolvedIdCount} searched)
                </span>
              )}
            </td>
            <td>
              <span className={`status-badge status-badge--${request.status}`}>
                {statusText(request)}
              </span>
              {request.error && <div className="deletion-table__error">{request.error}</div>}
            </td>
            <td data-testid="deletion-counts">{describeCounts(request.counts)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
