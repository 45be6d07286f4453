#!/usr/bin/python3
"""One NETCONF session with ncclient (python3-ncclient), driven line by line by a mocha test.

Started as:  ncclient-session-driver.py '{"host": ..., "port": ..., "username": ..., "password": ..., "timeout": 20}'

It connects, prints one JSON line {"event": "connected", "sessionId": ..., "capabilities": [...]}
(or {"event": "connect-failed", ...} and exits 1), then reads one JSON request per line on stdin,
  {"id": 7, "op": "edit_config", "args": {"target": "candidate", "config": "<config ...>...</config>"}}
and answers each with one JSON line on stdout:
  {"id": 7, "ok": true,  "xml": "<rpc-reply ...>", "data": {tree of <data>}, "reply": {tree of <rpc-reply>}}
  {"id": 7, "ok": false, "errors": [{"type", "tag", "severity", "appTag", "path", "pathNamespaces",
                                     "message", "info": {local-name: text}}, ...]}
  {"id": 7, "ok": false, "exception": {"type": "TransportError", "message": "..."}}
Errors come from the RPCError objects ncclient raises (its default raise mode), so the fields are
exactly what an ncclient user sees.

A tree is {"ns", "name", "attrs", "text", "qname", "children"}: "text" only for elements without
children, "qname" ({ns}local) when the text is a prefixed name whose prefix is in scope (identityref).

End of stdin: close-session (if still connected), then exit 0.
"""
import json
import sys
import traceback

from lxml import etree
import ncclient.transport.ssh
from ncclient import manager
from ncclient.operations import RPCError
from ncclient.xml_ import to_ele

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"

# ncclient's session thread looks at its send queue only when select() wakes up, every TICK
# (0.1 s) when nothing arrives: each request would wait up to 100 ms before it is written.
# A shorter tick changes nothing on the wire, only how soon the client sends.
ncclient.transport.ssh.TICK = 0.01


def tree(el):
    q = etree.QName(el)
    node = {"ns": q.namespace, "name": q.localname, "children": []}
    if len(el.attrib) > 0:
        node["attrs"] = {k: v for k, v in el.attrib.items()}
    kids = [c for c in el if isinstance(c.tag, str)]
    if kids:
        node["children"] = [tree(c) for c in kids]
    else:
        text = el.text or ""
        node["text"] = text
        if ":" in text and " " not in text.strip():
            prefix, local = text.strip().split(":", 1)
            ns = el.nsmap.get(prefix)
            if ns is not None:
                node["qname"] = "{%s}%s" % (ns, local)
    return node


def child_text(raw, name):
    el = raw.find("{%s}%s" % (NC_NS, name))
    return None if el is None else el.text


def error_json(err):
    """One RPCError (a single <rpc-error>) as JSON: ncclient's fields plus what they leave out."""
    raw = err.xml if not isinstance(err.xml, str) else to_ele(err.xml)
    out = {
        "type": err.type,
        "tag": err.tag,
        "severity": err.severity,
        "appTag": err.app_tag,
        "path": err.path.strip() if err.path is not None else None,
        "message": err.message,
        "info": {},
        "pathNamespaces": {},
    }
    path_el = raw.find("{%s}error-path" % NC_NS)
    if path_el is not None:
        out["pathNamespaces"] = {p: ns for p, ns in path_el.nsmap.items() if p is not None}
    msg_el = raw.find("{%s}error-message" % NC_NS)
    if msg_el is not None:
        out["messageLang"] = msg_el.get("{http://www.w3.org/XML/1998/namespace}lang")
    info_el = raw.find("{%s}error-info" % NC_NS)
    if info_el is not None:
        for c in info_el:
            if isinstance(c.tag, str):
                out["info"][etree.QName(c).localname] = c.text
    return out


def errors_json(e):
    errs = e.errlist if e.errlist else [e]
    return [error_json(x) for x in errs]


def build_filter(spec):
    if spec is None:
        return None
    if spec["type"] == "subtree":
        return ("subtree", spec["xml"])
    if spec["type"] == "xpath":
        ns = spec.get("namespaces")
        return ("xpath", (ns, spec["select"]) if ns else spec["select"])
    raise ValueError("unknown filter type %r" % spec["type"])


def reply_json(reply, with_data=False):
    out = {"ok": True, "xml": reply.xml}
    root = to_ele(reply.xml)
    out["reply"] = tree(root)
    if with_data:
        data = root.find("{%s}data" % NC_NS)
        out["data"] = tree(data) if data is not None else None
    return out


class Driver:
    def __init__(self, m):
        self.m = m

    def handle(self, op, a):
        m = self.m
        if op == "get":
            return reply_json(m.get(filter=build_filter(a.get("filter")), with_defaults=a.get("withDefaults")), True)
        if op == "get_config":
            return reply_json(m.get_config(source=a.get("source", "running"), filter=build_filter(a.get("filter")),
                                           with_defaults=a.get("withDefaults")), True)
        if op == "edit_config":
            return reply_json(m.edit_config(config=a["config"], target=a.get("target", "candidate"),
                                            default_operation=a.get("defaultOperation"),
                                            test_option=a.get("testOption"), error_option=a.get("errorOption")))
        if op == "copy_config":
            return reply_json(m.copy_config(source=a["source"], target=a["target"]))
        if op == "delete_config":
            return reply_json(m.delete_config(target=a["target"]))
        if op == "lock":
            return reply_json(m.lock(target=a.get("target", "candidate")))
        if op == "unlock":
            return reply_json(m.unlock(target=a.get("target", "candidate")))
        if op == "validate":
            # source: a datastore name, or "config" (validate:1.1): the <config> element given in args.config
            if "config" in a:
                return reply_json(m.validate(source=to_ele(a["config"])))
            return reply_json(m.validate(source=a.get("source", "candidate")))
        if op == "commit":
            timeout = a.get("timeout")
            return reply_json(m.commit(confirmed=a.get("confirmed", False),
                                       timeout=None if timeout is None else str(timeout),
                                       persist=a.get("persist"), persist_id=a.get("persistId")))
        if op == "cancel_commit":
            return reply_json(m.cancel_commit(persist_id=a.get("persistId")))
        if op == "discard_changes":
            return reply_json(m.discard_changes())
        if op == "kill_session":
            return reply_json(m.kill_session(session_id=str(a["sessionId"])))
        if op == "get_schema":
            reply = m.get_schema(a["identifier"], version=a.get("version"), format=a.get("format"))
            out = reply_json(reply)
            out["schema"] = reply.data
            return out
        if op == "dispatch":
            return reply_json(m.dispatch(to_ele(a["xml"])))
        if op == "create_subscription":
            return reply_json(m.create_subscription())
        if op == "take_notification":
            n = m.take_notification(block=True, timeout=a.get("timeout", 5))
            if n is None:
                return {"ok": True, "notification": None}
            return {"ok": True, "notification": tree(to_ele(n.notification_xml)), "xml": n.notification_xml}
        if op == "close_session":
            return reply_json(m.close_session())
        if op == "disconnect":
            # Drops the SSH transport without <close-session>, as a crashed client would.
            m._session.close()
            return {"ok": True}
        if op == "connected":
            return {"ok": True, "connected": bool(m.connected)}
        raise ValueError("unknown op %r" % op)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    args = json.loads(sys.argv[1])
    try:
        m = manager.connect(
            host=args["host"], port=args["port"], username=args["username"], password=args["password"],
            hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=args.get("timeout", 20),
        )
    except Exception as e:  # noqa: BLE001 - reported to the test
        emit({"event": "connect-failed", "exception": {"type": type(e).__name__, "message": str(e)}})
        sys.exit(1)
    m.timeout = args.get("timeout", 20)  # synchronous rpc timeout (connect's timeout is the socket's)
    emit({"event": "connected", "sessionId": m.session_id, "capabilities": sorted(m.server_capabilities)})
    driver = Driver(m)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        try:
            out = driver.handle(req["op"], req.get("args") or {})
        except RPCError as e:
            out = {"ok": False, "errors": errors_json(e)}
        except Exception as e:  # noqa: BLE001 - reported to the test
            out = {"ok": False, "exception": {"type": type(e).__name__, "message": str(e),
                                              "trace": traceback.format_exc(limit=3)}}
        out["id"] = req["id"]
        emit(out)
    try:
        if m.connected:
            m.close_session()
    except Exception:  # noqa: BLE001 - the test is over
        pass


if __name__ == "__main__":
    main()
