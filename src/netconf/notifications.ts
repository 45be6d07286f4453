// The notification bus (RFC 5277): events published by the server (session start / end here,
// netconf-config-change from the commit pipeline) are delivered to the sessions that subscribed
// with <create-subscription>, in publication order. Only the NETCONF stream exists and there is
// no replay. A session writes each notification as one whole message on its output, between
// replies (:interleave), so a notification never splits a reply.
import type { DataTree } from '../datastore/data-tree.js';
import { encodeXml } from '../datastore/xml-encoder.js';
import { escapeText } from '../datastore/xml-escape.js';
import type { Schema } from '../validation/schema.js';
import type { SessionInfo, TerminationReason } from './operations/context.js';
import { NETCONF_NOTIFICATIONS_NS, NOTIFICATION_NS } from './xml/namespaces.js';

/** The one stream this server has (RFC 5277 §3.2.3: the default stream is named NETCONF). */
export const NETCONF_STREAM = 'NETCONF';

export interface NotificationEvent {
  readonly eventTime: Date;
  /** Namespace and local name of the content element, for filters and logs. */
  readonly namespace: string;
  readonly name: string;
  /** The content element as XML text, declaring its own namespace(s). */
  readonly xml: string;
}

/** Something that can receive notifications: a session. */
export interface NotificationTarget {
  readonly id: number;
  /** Writes one <notification> message; never throws. */
  deliverNotification(message: string): void;
}

export interface SubscriptionOptions {
  /** Events for which this returns false are not delivered (the subtree / XPath filter, later). */
  filter?: (event: NotificationEvent) => boolean;
}

interface Subscription {
  target: NotificationTarget;
  filter: ((event: NotificationEvent) => boolean) | undefined;
  since: Date;
}

/** RFC 3339 date-and-time in UTC with milliseconds, as RFC 5277's eventTime wants it. */
export function formatEventTime(d: Date): string {
  return d.toISOString();
}

/** The <notification> envelope around an event. */
export function renderNotification(event: NotificationEvent): string {
  return `<notification xmlns="${NOTIFICATION_NS}"><eventTime>${formatEventTime(event.eventTime)}</eventTime>${event.xml}</notification>`;
}

export class NotificationBus {
  private readonly subscriptions = new Map<number, Subscription>();
  private published = 0;

  constructor(private readonly onError: (err: unknown, target: number) => void = () => undefined) {}

  /** Starts delivery to `target`. One subscription per session (the caller checks isSubscribed first). */
  subscribe(target: NotificationTarget, options: SubscriptionOptions = {}): void {
    if (this.subscriptions.has(target.id)) throw new Error(`session ${target.id} is already subscribed`);
    this.subscriptions.set(target.id, { target, filter: options.filter, since: new Date() });
  }

  /** Ends delivery (the session ended); false when there was no subscription. */
  unsubscribe(id: number): boolean {
    return this.subscriptions.delete(id);
  }

  isSubscribed(id: number): boolean {
    return this.subscriptions.has(id);
  }

  /** Sessions with a subscription, for monitoring. */
  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Events published since start. */
  get publishedCount(): number {
    return this.published;
  }

  /** Delivers an event to every subscriber whose filter accepts it, now, in subscription order. */
  publish(content: { namespace: string; name: string; xml: string; eventTime?: Date }): NotificationEvent {
    const event: NotificationEvent = { eventTime: content.eventTime ?? new Date(), namespace: content.namespace, name: content.name, xml: content.xml };
    this.published++;
    let message: string | undefined;
    for (const sub of [...this.subscriptions.values()]) {
      try {
        if (sub.filter !== undefined && !sub.filter(event)) continue;
        message ??= renderNotification(event);
        sub.target.deliverNotification(message);
      } catch (err) {
        this.onError(err, sub.target.id);
      }
    }
    return event;
  }

  /**
   * Publishes a YANG notification given as a data tree whose root is the notification node
   * (new DataTree(schema, { rootSchema: notification })), e.g. netconf-config-change.
   */
  publishTree(schema: Schema, tree: DataTree, eventTime?: Date): NotificationEvent {
    const root = tree.root.schema;
    if (root === null || root.kind !== 'notification') throw new Error('publishTree needs a tree whose root is a notification node');
    const ns = schema.namespaceOf(root.module) ?? '';
    const body = encodeXml(schema, tree, { defaultNamespace: ns });
    const xml = `<${root.name} xmlns="${ns}">${body}</${root.name}>`;
    return this.publish({ namespace: ns, name: root.name, xml, ...(eventTime === undefined ? {} : { eventTime }) });
  }
}

// ---- RFC 6470 session events ------------------------------------------------------------------

function leaf(name: string, value: string): string {
  return `<${name}>${escapeText(value)}</${name}>`;
}

/** username, session-id, source-host (the common-session-parms grouping). */
function sessionParms(s: SessionInfo): string {
  return leaf('username', s.username) + leaf('session-id', String(s.id)) + (s.sourceHost === '' ? '' : leaf('source-host', s.sourceHost));
}

export function sessionStartEvent(s: SessionInfo): { namespace: string; name: string; xml: string } {
  const name = 'netconf-session-start';
  return { namespace: NETCONF_NOTIFICATIONS_NS, name, xml: `<${name} xmlns="${NETCONF_NOTIFICATIONS_NS}">${sessionParms(s)}</${name}>` };
}

export function sessionEndEvent(s: SessionInfo, reason: TerminationReason, killedBy?: number): { namespace: string; name: string; xml: string } {
  const name = 'netconf-session-end';
  const killed = reason === 'killed' && killedBy !== undefined ? leaf('killed-by', String(killedBy)) : '';
  return {
    namespace: NETCONF_NOTIFICATIONS_NS,
    name,
    xml: `<${name} xmlns="${NETCONF_NOTIFICATIONS_NS}">${sessionParms(s)}${killed}${leaf('termination-reason', reason)}</${name}>`,
  };
}
