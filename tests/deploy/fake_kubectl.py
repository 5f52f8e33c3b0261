#!/usr/bin/env python3
"""A recording stand-in for kubectl / oc, for tst_deploy_cluster.

Each invocation appends one JSON line to $FAKE_KUBECTL_LOG:
    {"tool": $FAKE_KUBECTL_TOOL, "argv": [arguments after the program name], "stdin": "..."}
and answers from the scenario $FAKE_KUBECTL_SCENARIO of the file $FAKE_KUBECTL_SCENARIOS
(default: fake_kubectl.json beside this script). A scenario is a list of rules; the first rule
whose "match" words all appear among the arguments answers with its "stdout", "stderr" and
"exit" (default 0), after sleeping "sleep" seconds. "$N" in a reply is the N-th argument, "$NS"
the value of -n (default: "default").
No rule matching: exit 0, no output.
"""
import json
import os
import sys
import time


def main():
    args = sys.argv[1:]
    stdin = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    log = os.environ.get("FAKE_KUBECTL_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"tool": os.environ.get("FAKE_KUBECTL_TOOL", "kubectl"), "argv": args,
                                "stdin": stdin}) + "\n")
    path = os.environ.get("FAKE_KUBECTL_SCENARIOS",
                          os.path.join(os.path.dirname(os.path.realpath(__file__)), "fake_kubectl.json"))
    with open(path, encoding="utf-8") as f:
        scenarios = json.load(f)
    name = os.environ.get("FAKE_KUBECTL_SCENARIO", "ok")
    if name not in scenarios:
        sys.stderr.write("fake kubectl: no scenario %r\n" % name)
        return 99
    for rule in scenarios[name]:
        if all(word in args for word in rule.get("match", [])):
            ns = args[args.index("-n") + 1] if "-n" in args[:-1] else "default"

            def fill(text):
                text = text.replace("$NS", ns)
                for i in range(len(args), 0, -1):
                    text = text.replace("$%d" % i, args[i - 1])
                return text
            out = rule.get("stdout", "")
            if isinstance(out, (dict, list)):
                out = json.dumps(out, indent=2) + "\n"
            sys.stdout.write(fill(out))
            sys.stdout.flush()
            time.sleep(rule.get("sleep", 0))
            sys.stderr.write(fill(rule.get("stderr", "")))
            return rule.get("exit", 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
