/** Path of a user's profile page. */
export function userPath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

/** Returns the name to show for a user: the profile name, else the email, else the id. */
export function userLabel(user: { id: string; name: string | null; email: string | null }): string {
  return user.name?.trim() || user.email?.trim() || user.id;
}
