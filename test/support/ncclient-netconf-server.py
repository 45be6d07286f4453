#!/usr/bin/python3
"""A NETCONF session with ncclient (python3-ncclient) against vrouterd: reads the server's hello,
fetches schemas with <get-schema>, provokes one rpc-error, and ends with <close-session>. Prints
one JSON object on stdout. Used by test/integration/netconf-server.test.ts.

Arguments: one JSON object:
  {"host": "127.0.0.1", "port": 830, "username": "alice", "password": "...", "timeout": 30}
"""
import json
import sys

from ncclient import manager
from ncclient.operations import RPCError


def main():
    args = json.loads(sys.argv[1])
    result = {"ok": False}
    closed = False
    m = manager.connect(
        host=args["host"], port=args["port"], username=args["username"], password=args["password"],
        hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=args.get("timeout", 30),
    )
    try:
        result["sessionId"] = m.session_id
        result["capabilities"] = list(m.server_capabilities)
        result["schema"] = m.get_schema("ietf-interfaces").data
        result["yin"] = m.get_schema("ietf-ip", format="yin").xml
        try:
            m.get_schema("no-such-module")
            result["unknownSchema"] = None
        except RPCError as e:
            result["unknownSchema"] = {"tag": e.tag, "type": e.type, "message": e.message}
        reply = m.close_session()
        closed = True
        result["closeOk"] = reply.ok
        result["ok"] = True
    finally:
        if not closed and m.connected:
            m.close_session()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
