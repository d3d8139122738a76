package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// roleLive asks, in the query's own transaction, whether the role may still log in: PostgreSQL
// keeps a pooled session of a role that was dropped or locked after it logged in.
const roleLive = `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1 AND rolcanlogin
  AND (rolvaliduntil IS NULL OR rolvaliduntil > pg_catalog.now()))`

// rolePool is one role's pool of connections. Each session starts read-only with a statement
// timeout; each query runs in a READ ONLY transaction that is rolled back after it, and the
// session is then reset (DISCARD ALL: cursors, LISTEN, prepared statements, advisory locks)
// before it goes back to the pool. Every statement goes through the extended protocol, one
// statement per query.
type rolePool struct {
	pool     *pgxpool.Pool
	username string
	flaws    *flaws
}

// openRolePool opens pools on the database databaseURL names (its host, port, database and
// options); the user and password in it, if any, are never used: each pool logs in as a role.
func openRolePool(databaseURL string, statementTimeout time.Duration, f *flaws) func(dbCredentials) (roleDB, error) {
	return func(creds dbCredentials) (roleDB, error) {
		config, err := pgxpool.ParseConfig(databaseURL)
		if err != nil {
			return nil, errors.New("DATABASE_URL is not a PostgreSQL URL")
		}
		cc := config.ConnConfig
		cc.User, cc.Password = creds.Username, creds.Password
		cc.ConnectTimeout = 5 * time.Second
		cc.RuntimeParams["default_transaction_read_only"] = "on"
		cc.RuntimeParams["statement_timeout"] = strconv.FormatInt(statementTimeout.Milliseconds(), 10)
		cc.RuntimeParams["application_name"] = "sqlgate"
		// No statement of the server's survives DISCARD ALL, so none is kept prepared.
		cc.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec
		config.MaxConns = 4
		config.MaxConnIdleTime = 5 * time.Minute
		pool, err := pgxpool.NewWithConfig(context.Background(), config)
		if err != nil {
			return nil, err
		}
		return &rolePool{pool: pool, username: creds.Username, flaws: f}, nil
	}
}

func (p *rolePool) close() { p.pool.Close() }

// refused tells a refused role (a failed password, NOLOGIN, an expired VALID UNTIL) from the
// database being unreachable.
func refused(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "28P01" || pgErr.Code == "28000")
}

// queryError is what the caller reads of a failed query: PostgreSQL's own message, which names no
// credential, and its SQLSTATE.
func queryError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("query failed: %s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return errors.New("query failed: the database did not answer in time")
	}
	return errors.New("query failed: the database is unavailable")
}

func (p *rolePool) query(ctx context.Context, sql string) ([]map[string]any, error) {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		if refused(err) {
			return nil, errRoleRefused
		}
		return nil, queryError(err)
	}
	defer conn.Release()
	out, err := p.inReadOnlyBlock(ctx, conn, sql)
	resetSession(ctx, pgxSession{conn.Conn()}, p.flaws)
	return out, err
}

// session is what resetSession needs of a pooled connection.
type session interface {
	idle() bool // no transaction open
	exec(ctx context.Context, sql string) error
	discard(ctx context.Context) // closed: the pool drops it on release
}

type pgxSession struct{ conn *pgx.Conn }

func (s pgxSession) idle() bool { return s.conn.PgConn().TxStatus() == 'I' }
func (s pgxSession) exec(ctx context.Context, sql string) error {
	_, err := s.conn.Exec(ctx, sql)
	return err
}
func (s pgxSession) discard(ctx context.Context) { _ = s.conn.Close(ctx) }

// resetSession ends what a rollback leaves in a session before it goes back to the pool: cursors
// WITH HOLD, LISTEN, statements prepared in SQL, session advisory locks. A session that cannot be
// reset is closed, never pooled.
func resetSession(ctx context.Context, s session, f *flaws) {
	if f.noSessionReset {
		return // no-session-reset: the session goes back as the query left it
	}
	if !s.idle() || s.exec(context.WithoutCancel(ctx), "DISCARD ALL") != nil {
		s.discard(context.WithoutCancel(ctx))
	}
}

func (p *rolePool) inReadOnlyBlock(ctx context.Context, conn *pgxpool.Conn, sql string) ([]map[string]any, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, queryError(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var live bool
	if err := tx.QueryRow(ctx, roleLive, p.username).Scan(&live); err != nil {
		return nil, queryError(err)
	}
	if !live {
		return nil, errRoleRefused
	}
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return nil, queryError(err)
	}
	records, err := pgx.CollectRows(rows, pgx.RowToMap)
	if err != nil {
		return nil, queryError(err)
	}
	return records, nil
}
