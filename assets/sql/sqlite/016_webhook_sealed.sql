-- 016_webhook_sealed.sql - schema 16: an authority's webhook secret is kept sealed, not in
-- clear. A copy of the database or a backup must not carry secrets (docs/admin.md, keys): the
-- secret is sealed (crypto_secretbox) with a wrapping key held in the key file. Applied by
-- server/store/sqlite/sq_migrate.c inside one transaction, which then seals each secret kept in
-- clear (lnt_sq_webhooks_seal: the wrapping key is made and added to the key file first when it
-- holds none), zeroes the clear copy with secure_delete on, and sets user_version = 16.

-- sealed: the wrapping key's kid (4 bytes), the nonce (24) and the secret with its MAC (48).
-- NULL only until the step above has run. The secret column keeps 32 zero bytes from now on.
ALTER TABLE alert_webhooks ADD COLUMN sealed BLOB;
