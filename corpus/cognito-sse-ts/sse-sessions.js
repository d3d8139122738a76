'use strict';
// The open HTTP+SSE sessions (the SDK's SSEServerTransport, one McpServer each), by the id the
// stream's endpoint event gives out, with the user (the pool's sub) who opened each. A POST
// /messages naming a session is served only to its opener: to anyone else it is "Session not
// found", as an unknown id is, so that a leaked or guessed id confirms nothing.
//
// The flawed variant's `session-owner-unchecked`: the SDK's example as it is. The transport keeps
// no owner, the POST's token is checked, and the message goes to whichever session its id names:
// another user's call runs and its answer is written to the opener's stream.
const { SSEServerTransport } = require('@modelcontextprotocol/sdk/server/sse.js');

class SseSessions {
  constructor(newServer, messagesPath, flaws) {
    this.newServer = newServer;
    this.messagesPath = messagesPath;
    this.ownerUnchecked = flaws.has('session-owner-unchecked');
    this.open = new Map(); // sessionId -> { transport, owner }
  }

  async openStream(req, res) {
    const transport = new SSEServerTransport(this.messagesPath, res);
    this.open.set(transport.sessionId, { transport, owner: req.auth.extra.sub });
    transport.onclose = () => this.open.delete(transport.sessionId);
    await this.newServer().connect(transport);
  }

  async postMessage(req, res) {
    const sessionId = req.query.sessionId;
    if (typeof sessionId !== 'string' || !sessionId) return res.status(400).send('Missing sessionId parameter');
    const session = this.open.get(sessionId);
    if (!session || (!this.ownerUnchecked && session.owner !== req.auth.extra.sub)) {
      return res.status(404).send('Session not found');
    }
    return session.transport.handlePostMessage(req, res);
  }
}

module.exports = { SseSessions };
