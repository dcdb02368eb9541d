import { NavLink, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext.js';
import { projectSearch, useProjectId } from './project.js';

function ProjectSelect() {
  const { session } = useAuth();
  const navigate = useNavigate();
  const projectId = useProjectId();
  const projects = session?.projects ?? [];
  if (projects.length < 2) return null;

  return (
    <label className="header__project">
      <span className="visually-hidden">Project</span>
      <select
        className="select select--compact"
        value={projectId ?? projects[0]?.id}
        onChange={(event) => navigate(`/replays${projectSearch(event.target.value)}`)}
        data-testid="project-select"
      >
        {projects.map((project) => (
          <option key={project.id} value={project.id}>
            {project.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Header() {
  const { session, signOut } = useAuth();
  const projectId = useProjectId();
  const isAdmin = session?.member.role === 'admin';
  const navClass = ({ isActive }: { isActive: boolean }) =>
    isActive ? 'header__link header__link--active' : 'header__link';

  return (
    <header className="header">
      <NavLink to={`/${projectSearch(projectId)}`} className="header__brand">
        Reprise
      </NavLink>
      <nav className="header__nav" aria-label="Main">
        <NavLink
          to={`/replays${projectSearch(projectId)}`}
          className={navClass}
          data-testid="nav-replays"
        >
          Replays
        </NavLink>
        <NavLink
          to={`/users${projectSearch(projectId)}`}
          className={navClass}
          data-testid="nav-users"
        >
          Users
        </NavLink>
        <NavLink
          to={`/reports/events${projectSearch(projectId)}`}
          className={navClass}
          data-testid="nav-events"
        >
          Events
        </NavLink>
        <NavLink
          to={`/reports/funnels${projectSearch(projectId)}`}
          className={navClass}
          data-testid="nav-funnels"
        >
          Funnels
        </NavLink>
        {isAdmin && (
          <NavLink to="/settings/members" className={navClass} data-testid="nav-team">
            Team
          </NavLink>
        )}
        {isAdmin && (
          <NavLink
            to={`/settings/project${projectSearch(projectId)}`}
            className={navClass}
            data-testid="nav-project"
          >
            Project
          </NavLink>
        )}
        {isAdmin && (
          <NavLink
            to={`/settings/deletion-requests${projectSearch(projectId)}`}
            className={navClass}
            data-testid="nav-deletions"
          >
            Deletions
          </NavLink>
        )}
      </nav>
      <ProjectSelect />
      <div className="header__account">
        <span className="header__email" data-testid="header-email">
          {session?.member.email}
        </span>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => void signOut()}
          data-testid="logout"
        >
          Log out
        </button>
      </div>
    </header>
  );
}
