import type { JsonStore } from './storage.js';
import { uuid } from './uuid.js';

/** State that the SDK keeps in localStorage for each project token. */
interface PersistedIdentity {
  device_id: string;
  user_id?: string;
  /** Super properties, added to every tracked event. */
  props: Record<string, unknown>;
  /** The visitor's explicit choice, when they made one. */
  opt?: 'in' | 'out';
}

/**
 * Identity and super properties, as mixpanel-browser keeps them: a random device id, the
 * `distinct_id` `$device:<device id>` until `identify`, the user id after it.
 */
export class IdentityStore {
  private state: PersistedIdentity;

  constructor(
    private readonly store: JsonStore,
    private readonly key: string,
  ) {
    const stored = store.read<PersistedIdentity>(key);
    this.state =
      stored && typeof stored.device_id === 'string'
        ? { ...stored, props: stored.props ?? {} }
        : { device_id: uuid(), props: {} };
    this.save();
  }

  get deviceId(): string {
    return this.state.device_id;
  }

  get userId(): string | undefined {
    return this.state.user_id;
  }

  get distinctId(): string {
    return this.state.user_id ?? `$device:${this.state.device_id}`;
  }

  get optChoice(): 'in' | 'out' | undefined {
    return this.state.opt;
  }

  setOptChoice(choice: 'in' | 'out'): void {
    this.state.opt = choice;
    this.save();
  }

  /** Sets the user id and returns the `distinct_id` it replaces. */
  identify(userId: string): string {
    const previous = this.distinctId;
    this.state.user_id = userId;
    this.save();
    return previous;
  }

  /** Forgets the user id and super properties and draws a new device id. */
  reset(): void {
    this.state = { device_id: uuid(), props: {}, opt: this.state.opt };
    this.save();
  }

  get superProperties(): Readonly<Record<string, unknown>> {
    return this.state.props;
  }

  register(props: Record<string, unknown>): void {
    Object.assign(this.state.props, props);
    this.save();
  }

  /** Registers each property that is not set yet, or is still set to `defaultValue`. */
  registerOnce(props: Record<string, unknown>, defaultValue: unknown): void {
    for (const [name, value] of Object.entries(props)) {
      const current = this.state.props[name];
      if (!(name in this.state.props) || current === defaultValue) this.state.props[name] = value;
    }
    this.save();
  }

  unregister(name: string): void {
    delete this.state.props[name];
    this.save();
  }

  private save(): void {
    this.store.write(this.key, this.state);
  }
}
