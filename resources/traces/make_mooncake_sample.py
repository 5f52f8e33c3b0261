#!/usr/bin/env python3
"""Writes mooncake-sample.jsonl: a small trace in the Mooncake FAST'25 JSONL format, shaped like
its conversation trace, for the built-in `mooncake` scenario (which must run from anywhere, so it
cannot point at a trace outside the binary). It is synthetic, not a cut of the real trace.

Shape: chat sessions arrive as a Poisson process; a session's turn n sends the whole history
(every earlier prompt and answer) plus a new message, so its hash_ids extend the previous turn's;
a third of the sessions start from one of a few shared system prompts. One hash id stands for one
512-token block chained on everything before it, as in Mooncake (len(hash_ids) ==
ceil(input_length / 512)). Deterministic: run it again and the file is byte-identical.

Usage: make_mooncake_sample.py > mooncake-sample.jsonl
"""
import json
import math
import random

BLOCK = 512
rng = random.Random(20250220)
next_id = 0


def fresh_ids(n):
    global next_id
    ids = list(range(next_id, next_id + n))
    next_id += n
    return ids


system_prompts = [(fresh_ids(4), 4 * BLOCK - rng.randrange(0, 300)) for _ in range(3)]
records = []
t = 0.0
for session in range(120):
    t += rng.expovariate(1 / 2500.0)  # ms between sessions
    if rng.random() < 1 / 3:
        ids, tokens = system_prompts[rng.randrange(len(system_prompts))]
        ids, tokens = list(ids), tokens
    else:
        ids, tokens = [], 0
    at = t
    prompt_tokens = tokens  # the part of the history that has ids: the system prompt, then each prompt
    for turn in range(rng.randint(1, 6)):
        message = int(rng.lognormvariate(math.log(2500), 0.8)) + 50
        total = tokens + message
        # Full blocks of the previous prompt keep their ids; its partial last block, the answer
        # and the new message get fresh ones.
        keep = prompt_tokens // BLOCK
        ids = ids[:keep] + fresh_ids(math.ceil(total / BLOCK) - keep)
        output = max(1, int(rng.lognormvariate(math.log(350), 0.6)))
        records.append({"timestamp": int(at), "input_length": total, "output_length": output, "hash_ids": ids})
        prompt_tokens = total
        tokens = total + output
        at += rng.expovariate(1 / 20000.0) + 3000  # the answer, then the user thinks
records.sort(key=lambda r: r["timestamp"])
for r in records:
    print(json.dumps(r))
