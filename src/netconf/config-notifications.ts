// RFC 6470 configuration events, published on the notification bus for subscribed sessions:
//
// - netconf-config-change, from the commit pipeline's ConfigChangeEvent (every change of running:
//   commit, copy-config, rollback, confirmed-commit revert):
//     changed-by   username / session-id / source-host of the session, or <server/> for changes
//                  the agent made by itself (a confirmed commit that timed out);
//     datastore    running;
//     edit*        target: the topmost changed node as an instance-identifier in XML form, each
//                  prefix declared on the <target> element (RFC 7950 §9.13.2);
//                  operation: what the change did, as an edit-operation-type. The pipeline reports
//                  create, delete and replace (a leaf's new value), and an entry that only changed
//                  position in an ordered-by-user list as merge: in NETCONF that is a merge with
//                  the insert attribute, which leaves the entry's content as it was — 'replace'
//                  would claim the content was replaced, which it was not.
// - netconf-confirmed-commit, from ConfirmedCommit's events: confirm-event start / extend (with
//   timeout in seconds) / complete / cancel / timeout. The session parameters (username,
//   session-id, source-host) are present except for timeout (the YANG `when`). A cancel because
//   the issuing session ended (RFC 6470: "canceled, e.g., due to the session being terminated")
//   names that session, remembered from its start / extend; a revert at start-up of a commit left
//   pending by a previous run names no NETCONF session: session-id 0 ("a non-NETCONF session MAY
//   be identified by the value zero") and the username "(server)", as the commit history does.
//
// Wiring: CommitPipeline and ConfirmedCommit take these callbacks at construction
// (createDatastoreServices' onConfigChange / onConfirmedCommitEvent), before the NetconfCore and its
// bus exist; bindConfigNotifications() gives callbacks to pass there and binds them to the bus
// once the core is built.
import { isIP } from 'node:net';
import type { ConfigChangeEvent } from '../datastore/commit.js';
import type { ConfirmedCommitEvent } from '../datastore/confirmed-commit.js';
import { xmlPath } from '../datastore/instance-path.js';
import { escapeAttribute, escapeText } from '../datastore/xml-escape.js';
import type { Schema } from '../validation/schema.js';
import type { NotificationBus } from './notifications.js';
import type { SessionDirectory } from './operations/context.js';
import { NETCONF_NOTIFICATIONS_NS } from './xml/namespaces.js';

/** Username reported for changes the agent made by itself (as CommitHistory records them). */
export const SERVER_USERNAME = '(server)';

type Content = { namespace: string; name: string; xml: string };

export interface ConfigNotificationHandlers {
  /** CommitPipeline's onConfigChange. */
  readonly onConfigChange: (event: ConfigChangeEvent) => void;
  /** ConfirmedCommit's onEvent. */
  readonly onConfirmedCommitEvent: (event: ConfirmedCommitEvent) => void;
}

/** Who a notification names: a NETCONF session (or id 0 for none). */
interface SessionParms {
  username: string;
  sessionId: number;
  sourceHost?: string;
}

function leaf(name: string, value: string): string {
  return `<${name}>${escapeText(value)}</${name}>`;
}

/** common-session-parms; source-host only when it is an IP address (its type is inet:ip-address). */
function sessionParms(p: SessionParms): string {
  const host = p.sourceHost !== undefined && isIP(p.sourceHost) !== 0 ? leaf('source-host', p.sourceHost) : '';
  return leaf('username', p.username) + leaf('session-id', String(p.sessionId)) + host;
}

/** The netconf-config-change content for an event of the commit pipeline. */
export function configChangeNotification(schema: Schema, event: ConfigChangeEvent, sourceHostOf?: (sessionId: number) => string | undefined): Content {
  const name = 'netconf-config-change';
  const by = event.changedBy;
  let changedBy: string;
  if ('server' in by) {
    changedBy = '<server/>';
  } else {
    const host = by.sourceHost ?? sourceHostOf?.(by.sessionId);
    changedBy = sessionParms({ username: by.user, sessionId: by.sessionId, ...(host === undefined ? {} : { sourceHost: host }) });
  }
  const parts: string[] = [`<${name} xmlns="${NETCONF_NOTIFICATIONS_NS}"><changed-by>${changedBy}</changed-by>`, leaf('datastore', event.datastore)];
  for (const edit of event.edits) {
    const target = xmlPath(edit.location, schema);
    let decls = '';
    for (const [prefix, ns] of Object.entries(target.namespaces)) decls += ` xmlns:${prefix}="${escapeAttribute(ns)}"`;
    parts.push(`<edit><target${decls}>${escapeText(target.path)}</target>${leaf('operation', edit.operation)}</edit>`);
  }
  parts.push(`</${name}>`);
  return { namespace: NETCONF_NOTIFICATIONS_NS, name, xml: parts.join('') };
}

/** The netconf-confirmed-commit content; `who` names the session (ignored for a timeout). */
export function confirmedCommitNotification(event: ConfirmedCommitEvent['event'], who: SessionParms | undefined, timeout?: number): Content {
  const name = 'netconf-confirmed-commit';
  const session = event === 'timeout' || who === undefined ? '' : sessionParms(who);
  const seconds = (event === 'start' || event === 'extend') && timeout !== undefined ? leaf('timeout', String(timeout)) : '';
  return {
    namespace: NETCONF_NOTIFICATIONS_NS,
    name,
    xml: `<${name} xmlns="${NETCONF_NOTIFICATIONS_NS}">${session}${leaf('confirm-event', event)}${seconds}</${name}>`,
  };
}

/**
 * Callbacks that publish RFC 6470 netconf-config-change and netconf-confirmed-commit on `bus`.
 * `sessions` supplies the source-host of a session the event names only by id.
 */
export function configNotificationHandlers(bus: NotificationBus, schema: Schema, sessions?: Pick<SessionDirectory, 'get'>): ConfigNotificationHandlers {
  const hostOf = (id: number): string | undefined => {
    const host = sessions?.get(id)?.sourceHost;
    return host === undefined || host === '' ? undefined : host;
  };
  const parmsOf = (s: { sessionId: number; user: string }): SessionParms => {
    const host = hostOf(s.sessionId);
    return { username: s.user, sessionId: s.sessionId, ...(host === undefined ? {} : { sourceHost: host }) };
  };
  /** The session that issued the pending confirmed commit (its latest start / extend). */
  let issuer: SessionParms | undefined;
  return {
    onConfigChange: (event) => {
      bus.publish(configChangeNotification(schema, event, hostOf));
    },
    onConfirmedCommitEvent: (event) => {
      let who: SessionParms | undefined;
      if (event.session !== undefined) {
        who = parmsOf(event.session);
      } else if (event.event === 'cancel') {
        who = event.reason === 'restart' ? undefined : issuer;
        who ??= { username: SERVER_USERNAME, sessionId: 0 };
      }
      if (event.event === 'start' || event.event === 'extend') issuer = who;
      else issuer = undefined;
      bus.publish(confirmedCommitNotification(event.event, who, event.timeout));
    },
  };
}

/**
 * For the wiring order of the agent: callbacks to hand to createDatastoreServices now, and
 * `attach` to call once the NetconfCore (its bus and session directory) exists. Events before
 * `attach` (the revert of a confirmed commit left pending by a previous run, at start-up, when no
 * session can be subscribed yet) are not published.
 */
export function bindConfigNotifications(): ConfigNotificationHandlers & {
  readonly attach: (bus: NotificationBus, schema: Schema, sessions?: Pick<SessionDirectory, 'get'>) => void;
} {
  let target: ConfigNotificationHandlers | undefined;
  return {
    onConfigChange: (event) => target?.onConfigChange(event),
    onConfirmedCommitEvent: (event) => target?.onConfirmedCommitEvent(event),
    attach: (bus, schema, sessions) => {
      target = configNotificationHandlers(bus, schema, sessions);
    },
  };
}
