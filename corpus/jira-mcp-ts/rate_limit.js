// A per-user limit of JSON-RPC calls per window. A batch counts as the requests it holds, and one
// over the limit is refused whole, so a batch cannot carry more calls than the limit allows.

/** Express middleware after authentication (req.auth); 429 with Retry-After past the limit. */
function perUserRateLimit({ limit, windowMs }) {
  /** @type {Map<string, number[]>} subject -> times of the calls in the current window */
  const calls = new Map();
  return (req, res, next) => {
    const now = Date.now();
    const subject = req.auth.extra.sub;
    const recent = (calls.get(subject) ?? []).filter((t) => t > now - windowMs);
    const messages = Array.isArray(req.body) ? req.body : [req.body];
    const cost = Math.max(1, messages.filter((m) => m && m.method !== undefined && m.id !== undefined).length);
    if (recent.length + cost > limit) {
      calls.set(subject, recent);
      const freed = recent.length > 0 ? recent[0] + windowMs - now : windowMs;
      res.set('Retry-After', String(Math.max(1, Math.ceil(freed / 1000))));
      res.status(429).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Too many requests' }, id: null });
      return;
    }
    for (let i = 0; i < cost; ++i) recent.push(now);
    calls.set(subject, recent);
    next();
  };
}

module.exports = { perUserRateLimit };
