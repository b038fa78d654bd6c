#!/usr/bin/env python3
"""Back-of-envelope model for issue #6 (retry budget), not product code.

A sliding-window budget allows a retry while retries in the last `window` seconds stay within
`ratio` x first attempts + `min_per_s` x window. Callers arrive at `rate`/s; each attempt fails with
probability p; up to `attempts` attempts per call. Prints success ratio and load amplification
(attempts reaching HelloService / logical requests) at 20 % random faults and in a full outage.

    python3 docs/retry-budget-model.py
"""
import random
from collections import deque


def simulate(p, ratio, min_per_s=0.5, rate=100, seconds=300, attempts=5, window=10):
    random.seed(1)
    firsts, retries = deque(), deque()
    succeeded = load = 0
    calls = int(seconds * rate)
    for i in range(calls):
        t = i / rate
        while firsts and firsts[0] <= t - window:
            firsts.popleft()
        while retries and retries[0] <= t - window:
            retries.popleft()
        firsts.append(t)
        load += 1
        success = random.random() > p
        made = 1
        while not success and made < attempts:
            if len(retries) + 1 > ratio * len(firsts) + min_per_s * window:
                break
            retries.append(t)
            load += 1
            made += 1
            success = random.random() > p
        succeeded += success
    return succeeded / calls, load / calls


if __name__ == "__main__":
    for ratio in (0.1, 0.2, 0.25, 0.3):
        ok, amp = simulate(0.2, ratio)
        _, outage = simulate(1.0, ratio)
        print(f"ratio {ratio}: 20 % faults -> success {ok:.4f} (amplification {amp:.3f}); outage amplification {outage:.3f}")
