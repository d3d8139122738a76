"""A confirmation authorises one deletion. The SDK's boundary checks a requestState's tag, expiry,
request and caller, but a state that passes all four passes them again: each state issuedesk
issues carries a fresh id, and the id of a confirmed deletion is remembered until the state
would have expired anyway, so the same confirmed retry sent twice deletes nothing the second time.

The flaw state-reusable: nothing is remembered ("the SDK checks the state"), so a confirmed retry
sent again deletes again: one yes authorises as many runs as the state's lifetime allows."""
import threading
import time


class Confirmations:
    def __init__(self, ttl_s: float, remember: bool = True):
        self.ttl_s = ttl_s
        self.remember = remember
        self._taken: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, state_id: str) -> bool:
        """True the first time a state's id is taken; False ever after (while it could be valid)."""
        if not self.remember:
            return True
        now = time.monotonic()
        with self._lock:
            for taken_id, until in list(self._taken.items()):
                if until < now:
                    del self._taken[taken_id]
            if state_id in self._taken:
                return False
            self._taken[state_id] = now + self.ttl_s + 60
            return True
