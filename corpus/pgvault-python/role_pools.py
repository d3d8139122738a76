"""PostgreSQL sessions as the callers' own roles, with psycopg 3: a pool of idle connections per role.

Every session logs in read-only with the statement timeout (libpq's `options`). Every statement runs
in a transaction psycopg opens READ ONLY before it and that is rolled back after it, whatever became
of it, so nothing it writes survives and a COMMIT inside a DO block or a procedure is refused
("invalid transaction termination"). It is sent alone with the extended protocol (a pipeline), so a
string of several statements is refused rather than run one after another.

Before each statement the session's role is checked, by its name as the connection logged in: a
pooled session outlives its role (PostgreSQL keeps the session of a role dropped under it), so a
role that is gone, may not log in or has expired is StaleRole, and its idle sessions are closed.
A session goes back to its pool only after DISCARD ALL, which ends what a rollback does not:
advisory locks, cursors WITH HOLD, LISTEN, statements prepared in SQL, settings.

The flawed variant's switches: `shared` (one pool for every role), `autocommit` (each statement in
its own implicit transaction, the session's read-only default its only guard), `reset=False` (a
session goes back as the statement left it)."""
import asyncio
import datetime
import decimal
import uuid

import psycopg

LIVE_ROLE = ("SELECT COALESCE((SELECT r.rolcanlogin AND (r.rolvaliduntil IS NULL OR "
             "r.rolvaliduntil > pg_catalog.statement_timestamp()) FROM pg_catalog.pg_roles r "
             "WHERE r.rolname = %s), false)")
REFUSED_LOGIN = ("password authentication failed", "is not permitted to log in")


class StaleRole(Exception):
    """The role is no longer a credential: refused at login, or gone, locked or expired."""


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached, or did not answer in time."""


class StatementFailed(Exception):
    """PostgreSQL refused or failed the statement; the text is PostgreSQL's primary message."""


def json_value(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.datetime, datetime.timedelta)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


class RolePools:
    def __init__(self, database, statement_timeout_ms: int, connect_timeout_s: float, *, shared: bool = False,
                 autocommit: bool = False, reset: bool = True, max_idle: int = 4):
        self.database = database
        self.statement_timeout_ms = statement_timeout_ms
        self.connect_timeout_s = connect_timeout_s
        self.shared = shared
        self.autocommit = autocommit
        self.reset = reset
        self.max_idle = max_idle
        self.idle: dict[str, list[psycopg.AsyncConnection]] = {}

    def _key(self, username: str) -> str:
        return "" if self.shared else username

    async def _connect(self, username: str, password: str) -> psycopg.AsyncConnection:
        d = self.database
        try:
            conn = await psycopg.AsyncConnection.connect(
                host=d.host, port=d.port, dbname=d.name, user=username, password=password,
                connect_timeout=max(1, round(self.connect_timeout_s)), prepare_threshold=None,
                autocommit=self.autocommit, application_name="pgvault",
                options=f"-c default_transaction_read_only=on -c statement_timeout={self.statement_timeout_ms}")
        except psycopg.OperationalError as e:
            if any(words in str(e) for words in REFUSED_LOGIN):
                raise StaleRole("PostgreSQL refused the role at login") from None
            raise DatabaseUnavailable("could not reach PostgreSQL") from None
        if not self.autocommit:
            await conn.set_read_only(True)
        return conn

    async def _borrow(self, username: str, password: str) -> tuple[psycopg.AsyncConnection, bool]:
        idle = self.idle.get(self._key(username), [])
        while idle:
            conn = idle.pop()
            if not conn.closed:
                return conn, True
        return await self._connect(username, password), False

    async def _give_back(self, conn: psycopg.AsyncConnection) -> None:
        try:
            if not self.autocommit:
                await conn.rollback()
            if self.reset:
                await conn.set_autocommit(True)
                await conn.execute("DISCARD ALL")
                await conn.set_autocommit(self.autocommit)
        except psycopg.Error:
            await conn.close()
            return
        idle = self.idle.setdefault(self._key(conn.info.user), [])
        if len(idle) < self.max_idle:
            idle.append(conn)
        else:
            await conn.close()

    async def drop(self, username: str) -> None:
        """Closes the idle sessions of a role that is no longer a credential."""
        for conn in self.idle.pop(self._key(username), []):
            await conn.close()

    async def _statement(self, conn: psycopg.AsyncConnection, statement: str):
        cur = conn.cursor()
        await cur.execute(LIVE_ROLE, (conn.info.user,))
        alive = await cur.fetchone()
        if not alive or not alive[0]:
            raise StaleRole("the role may no longer log in")
        async with conn.pipeline():
            await cur.execute(statement)
        columns = [column.name for column in cur.description or []]
        rows = await cur.fetchall() if cur.description else []
        return columns, [[json_value(value) for value in row] for row in rows]

    async def run(self, username: str, password: str, statement: str):
        """The statement's columns and records, as the role. Raises StaleRole, DatabaseUnavailable or
        StatementFailed."""
        for attempt in range(2):
            conn, reused = await self._borrow(username, password)
            try:
                result = await asyncio.wait_for(self._statement(conn, statement),
                                                self.statement_timeout_ms / 1000 + self.connect_timeout_s)
            except StaleRole:
                await conn.close()
                await self.drop(username)
                raise
            except psycopg.Error as e:
                if e.sqlstate is None or conn.broken:
                    # The session died while it waited (PostgreSQL restarted, backend terminated): a
                    # pooled one is replaced once.
                    await conn.close()
                    if reused and attempt == 0:
                        continue
                    raise DatabaseUnavailable("lost the connection to PostgreSQL") from None
                await self._give_back(conn)
                message = e.diag.message_primary or str(e)
                raise StatementFailed(message) from None
            except (asyncio.TimeoutError, OSError):
                await conn.close()
                raise DatabaseUnavailable("PostgreSQL did not answer in time") from None
            await self._give_back(conn)
            return result
        raise DatabaseUnavailable("lost the connection to PostgreSQL")
