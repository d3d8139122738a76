package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// errRoleRefused: PostgreSQL refused the user's role, at login or by the check before a query
// (the role was dropped, locked or expired): its lease is over, whatever Vault's TTL said.
var errRoleRefused = errors.New("PostgreSQL refused this user's database role")

// roleDB is the database as one role sees it: read-only queries on that role's own connections.
type roleDB interface {
	query(ctx context.Context, sql string) ([]map[string]any, error)
	close()
}

// leaseMargin: a cached role is used until this long before its lease ends, then a new one is
// fetched.
const leaseMargin = 30 * time.Second

type roleEntry struct {
	mu    sync.Mutex // held while the role is fetched or replaced
	creds dbCredentials
	db    roleDB
}

// roleStore keeps each user's database role, with its connections, until its lease ends or
// PostgreSQL refuses it.
type roleStore struct {
	fetch func(ctx context.Context, userToken string) (dbCredentials, error)
	open  func(creds dbCredentials) (roleDB, error)
	flaws *flaws
	now   func() time.Time

	mu    sync.Mutex
	roles map[string]*roleEntry
}

func newRoleStore(fetch func(context.Context, string) (dbCredentials, error), open func(dbCredentials) (roleDB, error), f *flaws) *roleStore {
	return &roleStore{fetch: fetch, open: open, flaws: f, now: time.Now, roles: map[string]*roleEntry{}}
}

// cacheKey is whose role a caller's call uses: the token's verified subject.
func (s *roleStore) cacheKey(c *caller) string {
	if s.flaws.claimCacheKey {
		return c.claims.Username // claim-cache-key: empty in every Keycloak access token
	}
	return c.claims.Subject
}

func (s *roleStore) entry(key string) *roleEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.roles[key]
	if !ok {
		e = &roleEntry{}
		s.roles[key] = e
	}
	return e
}

// current is the entry's role, a new one from Vault when it has none, its lease is near its end,
// or `stale` is the role PostgreSQL just refused.
func (s *roleStore) current(ctx context.Context, e *roleEntry, c *caller, stale roleDB) (roleDB, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.db != nil && e.db != stale && s.now().Before(e.creds.Expires.Add(-leaseMargin)) {
		return e.db, nil
	}
	if e.db != nil {
		old := e.db
		e.db = nil
		go old.close() // waits for the calls still on it
	}
	creds, err := s.fetch(ctx, c.token)
	if err != nil {
		return nil, err
	}
	db, err := s.open(creds)
	if err != nil {
		return nil, err
	}
	e.creds, e.db = creds, db
	return db, nil
}

// query runs sql as the caller's own role. A role PostgreSQL refuses is replaced by a new one
// from Vault, and the query runs once more.
func (s *roleStore) query(ctx context.Context, c *caller, sql string) ([]map[string]any, error) {
	e := s.entry(s.cacheKey(c))
	db, err := s.current(ctx, e, c, nil)
	if err != nil {
		return nil, err
	}
	out, err := db.query(ctx, sql)
	if !errors.Is(err, errRoleRefused) {
		return out, err
	}
	if s.flaws.staleRoleKept {
		// stale-role-kept: the lease has time left, so the refusal is taken for a passing one.
		return nil, fmt.Errorf("%w; try again later", errRoleRefused)
	}
	if db, err = s.current(ctx, e, c, db); err != nil {
		return nil, err
	}
	return db.query(ctx, sql)
}
