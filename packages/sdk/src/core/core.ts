import { resolveConfig, type RepriseConfig, type ResolvedConfig } from '../config.js';
import type { RecorderLoader } from '../recorder-api.js';
import { ReplayController } from '../replay/controller.js';
import { ReplayStore } from '../replay/session.js';
import { createTabGuard } from '../replay/tab-guard.js';
import { AnalyticsQueue } from '../transport/analytics-queue.js';
import { KeepaliveBudget } from '../transport/keepalive.js';
import { Outbox, sendOutboxItem, type OutboxItem } from '../transport/outbox.js';
import type { RecordIdentity } from '../transport/requests.js';
import { IdentityStore } from './identity.js';
import type { Logger } from './logger.js';
import { peopleOperation, type PeopleOperation } from './people.js';
import { pageProperties } from './properties.js';
import { RemoteSettings } from './remote-settings.js';
import { createJsonStore } from './storage.js';
import { uuid } from './uuid.js';

function isDoNotTrackOn(): boolean {
  const values = [
    typeof navigator === 'undefined' ? undefined : navigator.doNotTrack,
    typeof window === 'undefined' ? undefined : (window as { doNotTrack?: string }).doNotTrack,
  ];
  return values.some((value) => value === '1' || value === 'yes');
}

/** One initialized SDK instance: identity, analytics queues and the tab's replay. */
export class Core {
  readonly config: ResolvedConfig;
  private readonly identity: IdentityStore;
  private readonly events: AnalyticsQueue;
  private readonly people: AnalyticsQueue;
  private readonly outbox: Outbox;
  private readonly keepalive = new KeepaliveBudget();
  private readonly replay: ReplayController;
  private readonly settings: RemoteSettings;
  private readonly settingsAreFresh: boolean;
  /** Outbox items this page took over and has not sent yet. */
  private draining: OutboxItem[] = [];
  private isDraining = false;

  constructor(
    token: string,
    options: Partial<RepriseConfig>,
    private readonly log: Logger,
    loadRecorder: RecorderLoader,
  ) {
    this.config = resolveConfig(token, options);
    const local = createJsonStore('localStorage');
    this.settings = new RemoteSettings(this.config, local, `reprise_settings_${token}`, log);
    this.settingsAreFresh = this.settings.applyCached(Date.now());
    this.identity = new IdentityStore(local, `reprise_${token}`);
    this.outbox = new Outbox(local, `reprise_outbox_${token}`);
    this.events = new AnalyticsQueue('/track/', this.config, log, this.keepalive);
    this.people = new AnalyticsQueue('/engage/', this.config, log, this.keepalive);
    this.replay = new ReplayController({
      config: this.config,
      log,
      store: new ReplayStore(createJsonStore('sessionStorage'), `reprise_replay_${token}`),
      guard: createTabGuard(`reprise_replay_${token}`),
      loadRecorder,
      identity: () => this.recordIdentity(),
      keepalive: this.keepalive,
      outbox: this.outbox,
      sendStored: (items) => this.sendStored(items),
    });
  }

  /** Starts replay, sends what earlier pages left in the outbox, listens for page hiding. */
  start(): void {
    // A refresh changes only replays that start later: this page's replay is decided below.
    if (!this.settingsAreFresh && !this.hasOptedOut()) void this.settings.refresh();
    addEventListener('pagehide', () => this.unload());
    addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.replay.flush();
    });
    // Requests stored before an opt-out are dropped, not sent.
    if (this.hasOptedOut()) this.outbox.takeAll();
    else this.resumeReplay(() => this.outbox.takeAll());
  }

  /**
   * Continues or starts the replay, which takes the stored batches of the replay it continues,
   * and sends the other stored requests.
   */
  private resumeReplay(takeStored?: () => OutboxItem[]): void {
    let rest: OutboxItem[] = [];
    try {
      rest = this.replay.resume(takeStored);
    } catch (error) {
      this.log.error('replay failed to start', error);
    }
    this.sendStored(rest);
  }

  hasOptedOut(): boolean {
    const choice = this.identity.optChoice;
    if (choice === 'out') return true;
    if (!this.config.ignore_dnt && isDoNotTrackOn()) return true;
    if (choice === 'in') return false;
    return this.config.opt_out_tracking_by_default;
  }

  /**
   * Opts out at once: stores the choice, drops every queued and stored request, and stops the
   * replay, dropping its unsent events. An opt-in later starts a new replay.
   */
  optOut(): void {
    this.identity.setOptChoice('out');
    this.outbox.takeAll();
    this.draining = [];
    this.events.clear();
    this.people.clear();
    this.replay.forget();
  }

  optIn(): void {
    this.identity.setOptChoice('in');
    this.track('$opt_in', {});
    if (!this.hasOptedOut()) this.resumeReplay();
  }

  track(event: string, properties: Record<string, unknown> = {}): void {
    if (this.hasOptedOut()) return;
    if (typeof event !== 'string' || event === '') {
      this.log.error('track: the event name must be a non-empty string; got', event);
      return;
    }
    this.replay.noteActivity();
    this.events.push({ event, properties: this.eventProperties(properties) });
  }

  /**
   * Builds an event's properties. The caller's properties override page, super and replay
   * properties, `time` and `$insert_id`, but never the token or the identity.
   */
  private eventProperties(custom: Record<string, unknown>): Record<string, unknown> {
    return {
      ...pageProperties(),
      ...this.identity.superProperties,
      ...this.replay.properties(),
      time: Date.now() / 1000,
      $insert_id: uuid(),
      ...(custom && typeof custom === 'object' ? custom : {}),
      token: this.config.token,
      ...this.recordIdentity(),
    };
  }

  identify(userId: unknown): void {
    if (typeof userId !== 'string' && typeof userId !== 'number') return;
    const id = String(userId);
    if (id === '' || id === this.identity.userId) return;
    const wasAnonymous = this.identity.userId === undefined;
    const previous = this.identity.identify(id);
    if (wasAnonymous) this.track('$identify', { $anon_distinct_id: previous });
  }

  register(properties: Record<string, unknown>): void {
    if (properties && typeof properties === 'object') this.identity.register(properties);
  }

  registerOnce(properties: Record<string, unknown>, defaultValue: unknown = 'None'): void {
    if (properties && typeof properties === 'object') {
      this.identity.registerOnce(properties, defaultValue);
    }
  }

  unregister(name: string): void {
    this.identity.unregister(name);
  }

  getProperty(name: string): unknown {
    return this.identity.superProperties[name];
  }

  distinctId(): string {
    return this.identity.distinctId;
  }

  updatePeople(operation: PeopleOperation, nameOrMap: unknown, value?: unknown): void {
    if (this.hasOptedOut()) return;
    const payload = peopleOperation(operation, nameOrMap, value);
    if (payload === null) return;
    const identity = this.recordIdentity();
    this.people.push({
      $token: this.config.token,
      $distinct_id: identity.distinct_id,
      $device_id: identity.$device_id,
      ...(identity.$user_id ? { $user_id: identity.$user_id } : {}),
      [operation]: payload,
    });
  }

  /** Forgets the user: new device id, no user id, no super properties, a new replay. */
  reset(): void {
    const wasRecording = this.replay.properties().$mp_replay_id !== undefined;
    // Stopping first makes the old replay's last batches go out under the old identity.
    if (wasRecording) this.replay.stop();
    this.identity.reset();
    if (wasRecording) this.replay.start();
  }

  startRecording(): void {
    if (!this.hasOptedOut()) this.replay.start();
  }

  stopRecording(): void {
    this.replay.stop();
  }

  pauseRecording(): void {
    this.replay.pauseRecording();
  }

  resumeRecording(): void {
    if (!this.hasOptedOut()) this.replay.resumeRecording();
  }

  recordingProperties(): { $mp_replay_id?: string } {
    return this.replay.properties();
  }

  private recordIdentity(): RecordIdentity {
    const identity: RecordIdentity = {
      distinct_id: this.identity.distinctId,
      $device_id: this.identity.deviceId,
    };
    if (this.identity.userId !== undefined) identity.$user_id = this.identity.userId;
    return identity;
  }

  private unload(): void {
    this.events.unload(this.outbox);
    this.people.unload(this.outbox);
    this.replay.unload();
    // Items still being drained go back for the next page; one in flight may arrive twice.
    this.outbox.add(this.draining);
    this.draining = [];
  }

  /** Queues stored requests and sends them one at a time, in order, as they were stored. */
  private sendStored(items: OutboxItem[]): void {
    this.draining.push(...items);
    if (this.isDraining || this.draining.length === 0) return;
    this.drainOutbox().catch((error) => this.log.error('sending stored requests failed', error));
  }

  private async drainOutbox(): Promise<void> {
    this.isDraining = true;
    try {
      while (this.draining.length > 0) {
        const item = this.draining[0]!;
        const outcome = await sendOutboxItem(this.config, item);
        if (outcome.kind !== 'accepted') this.log.error('stored request dropped', outcome);
        if (this.draining[0] === item) this.draining.shift();
      }
    } finally {
      this.isDraining = false;
    }
  }
}
