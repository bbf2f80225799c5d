/* keyfile.c - the scheme's secret keys in a file of their own: checks, reading, atomic writes. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "codec.h"

#define HEADER "lantern-keys 1"
#define TEXT_MAX (64 * 1024) /* bytes of a key file: LNT_KEYFILE_MAX of each kind fit in 46 KB */
#define DIR_MAX 4096

/* ---- paths ---- */

/* The directory part of `path` ("." when it has none) into out. */
static enum lnt_err dir_of(const char *path, char *out, size_t size, char *err)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);

    if (n >= size)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "key file path is too long: %s", path);
    if (slash == NULL)
        memcpy(out, ".", 1);
    else
        memcpy(out, slash == path ? "/" : path, n);
    out[n] = '\0';
    return LNT_OK;
}

enum lnt_err lnt_keyfile_default(const char *db_path, char *out, size_t size, char *err)
{
    const char *slash = strrchr(db_path, '/');
    const char *base = slash != NULL ? slash + 1 : db_path;
    size_t dlen = slash != NULL ? (size_t)(slash - db_path) + 1 : 0;
    size_t blen = strlen(base);
    int n;

    if (blen > 3 && strcmp(base + blen - 3, ".db") == 0)
        blen -= 3;
    if (blen == 0)
        return lnt_fail(err, LNT_ERR_INVALID, "database path %s names no file", db_path);
    n = snprintf(out, size, "%.*skeys/%.*s.keys", (int)dlen, db_path, (int)blen, base);
    if (n < 0 || (size_t)n >= size)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "key file path for %s is too long", db_path);
    return LNT_OK;
}

/* ---- permissions ---- */

/* The file behind an open descriptor (or `st` from stat) is one only we can read. */
static enum lnt_err check_file(const char *path, const struct stat *st, char *err)
{
    if (!S_ISREG(st->st_mode))
        return lnt_fail(err, LNT_ERR_FORBIDDEN, "key file %s is not a regular file", path);
    if (st->st_uid != geteuid())
        return lnt_fail(err, LNT_ERR_FORBIDDEN,
                        "key file %s belongs to uid %lu, not to uid %lu running this: run as "
                        "its owner, or `chown` it to the service user",
                        path, (unsigned long)st->st_uid, (unsigned long)geteuid());
    if ((st->st_mode & 077) != 0)
        return lnt_fail(err, LNT_ERR_FORBIDDEN,
                        "key file %s is open to others (mode %04o): the scheme's secret keys "
                        "must be readable by their owner only: chmod 600 %s",
                        path, (unsigned)(st->st_mode & 07777), path);
    return LNT_OK;
}

static enum lnt_err check_dir(const char *path, char *err)
{
    char dir[DIR_MAX];
    struct stat st;
    enum lnt_err rc = dir_of(path, dir, sizeof dir, err);

    if (rc != LNT_OK)
        return rc;
    if (stat(dir, &st) != 0)
        return lnt_fail(err, errno == ENOENT ? LNT_ERR_NOT_FOUND : LNT_ERR_IO,
                        "key directory %s: %s", dir, strerror(errno));
    if (st.st_uid != geteuid() && st.st_uid != 0)
        return lnt_fail(err, LNT_ERR_FORBIDDEN,
                        "key directory %s belongs to uid %lu, not to uid %lu running this: "
                        "`chown` it to the service user",
                        dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
    /* a sticky directory (/tmp) lets nobody else rename or remove what is ours */
    if ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0)
        return lnt_fail(err, LNT_ERR_FORBIDDEN,
                        "key directory %s may be written by others (mode %04o), who could "
                        "replace the key file: chmod 700 %s",
                        dir, (unsigned)(st.st_mode & 07777), dir);
    return LNT_OK;
}

enum lnt_err lnt_keyfile_check(const char *path, bool *exists, char *err)
{
    struct stat st;
    enum lnt_err rc;

    *exists = false;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return LNT_OK;
        return lnt_fail(err, LNT_ERR_IO, "key file %s: %s", path, strerror(errno));
    }
    *exists = true;
    rc = check_file(path, &st, err);
    if (rc == LNT_OK)
        rc = check_dir(path, err);
    return rc;
}

/* ---- reading ---- */

/* Splits `line` at single spaces into at most `max` words; returns the count. */
static size_t split(char *line, char **words, size_t max)
{
    size_t n = 0;
    char *p = line;

    while (*p != '\0' && n < max + 1) {
        char *sp = strchr(p, ' ');
        if (n < max)
            words[n] = p;
        n++;
        if (sp == NULL)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    return n;
}

static enum lnt_err parse_sign(const char *path, int ln, char **w, struct lnt_keyfile *kf,
                               char *err)
{
    struct lnt_signing_key *k;
    uint8_t pk[LNT_SIGN_PK_LEN], sk[LNT_SIGN_SK_LEN], kid[LNT_KID_LEN];
    enum lnt_err rc = LNT_OK;

    if (kf->n_sign == LNT_KEYFILE_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s: more than %d signing keys", path,
                        LNT_KEYFILE_MAX);
    k = &kf->sign[kf->n_sign];
    if (strlen(w[1]) != LNT_KID_LEN * 2 || lnt_hex_decode(w[1], k->kid, LNT_KID_LEN) != LNT_OK ||
        strlen(w[2]) != LNT_SIGN_SK_LEN * 2 ||
        lnt_hex_decode(w[2], k->sk, LNT_SIGN_SK_LEN) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "key file %s line %d: expected `sign`, a kid of %d hex digits and a "
                        "secret key of %d hex digits",
                        path, ln, LNT_KID_LEN * 2, LNT_SIGN_SK_LEN * 2);
    /* the secret key is seed + public key: both halves and the kid must agree */
    crypto_sign_seed_keypair(pk, sk, k->sk);
    memcpy(k->pk, k->sk + 32, LNT_SIGN_PK_LEN);
    lnt_badge_kid(k->pk, kid);
    if (memcmp(pk, k->pk, LNT_SIGN_PK_LEN) != 0 || memcmp(kid, k->kid, LNT_KID_LEN) != 0)
        rc = lnt_fail(err, LNT_ERR_INVALID,
                      "key file %s line %d: the signing key's halves and kid do not belong "
                      "together: the file is damaged",
                      path, ln);
    sodium_memzero(sk, sizeof sk);
    if (rc == LNT_OK)
        kf->n_sign++;
    return rc;
}

static enum lnt_err parse_box(const char *path, int ln, char **w, struct lnt_keyfile *kf, char *err)
{
    struct lnt_box_key *k;
    uint8_t pk[LNT_BOX_KEY_LEN];

    if (kf->n_box == LNT_KEYFILE_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s: more than %d sealing keys", path,
                        LNT_KEYFILE_MAX);
    k = &kf->box[kf->n_box];
    if (strlen(w[1]) != LNT_BOX_KEY_LEN * 2 ||
        lnt_hex_decode(w[1], k->pk, LNT_BOX_KEY_LEN) != LNT_OK ||
        strlen(w[2]) != LNT_BOX_KEY_LEN * 2 ||
        lnt_hex_decode(w[2], k->sk, LNT_BOX_KEY_LEN) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "key file %s line %d: expected `box`, a public key and a secret key of "
                        "%d hex digits each",
                        path, ln, LNT_BOX_KEY_LEN * 2);
    if (crypto_scalarmult_base(pk, k->sk) != 0 || memcmp(pk, k->pk, LNT_BOX_KEY_LEN) != 0)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "key file %s line %d: the sealing key's halves do not belong together: "
                        "the file is damaged",
                        path, ln);
    kf->n_box++;
    return LNT_OK;
}

void lnt_wrap_kid(const uint8_t key[LNT_WRAP_KEY_LEN], uint8_t kid[LNT_WRAP_KID_LEN])
{
    static const uint8_t context[] = "lantern wrap kid";
    uint8_t h[16];

    crypto_generichash(h, sizeof h, key, LNT_WRAP_KEY_LEN, context, sizeof context - 1);
    memcpy(kid, h, LNT_WRAP_KID_LEN);
}

static enum lnt_err parse_wrap(const char *path, int ln, char **w, struct lnt_keyfile *kf,
                               char *err)
{
    struct lnt_wrap_key *k;
    uint8_t kid[LNT_WRAP_KID_LEN];

    if (kf->n_wrap == LNT_KEYFILE_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s: more than %d wrapping keys", path,
                        LNT_KEYFILE_MAX);
    k = &kf->wrap[kf->n_wrap];
    if (strlen(w[1]) != LNT_WRAP_KID_LEN * 2 ||
        lnt_hex_decode(w[1], k->kid, LNT_WRAP_KID_LEN) != LNT_OK ||
        strlen(w[2]) != LNT_WRAP_KEY_LEN * 2 ||
        lnt_hex_decode(w[2], k->key, LNT_WRAP_KEY_LEN) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "key file %s line %d: expected `wrap`, a kid of %d hex digits and a key "
                        "of %d hex digits",
                        path, ln, LNT_WRAP_KID_LEN * 2, LNT_WRAP_KEY_LEN * 2);
    lnt_wrap_kid(k->key, kid);
    if (memcmp(kid, k->kid, LNT_WRAP_KID_LEN) != 0)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "key file %s line %d: the wrapping key and its kid do not belong "
                        "together: the file is damaged",
                        path, ln);
    kf->n_wrap++;
    return LNT_OK;
}

/* Parses the text of a key file (modified in place: lines are cut). */
static enum lnt_err parse(const char *path, char *text, struct lnt_keyfile *kf, char *err)
{
    bool header = false;
    char *p = text;
    int ln = 0;

    while (*p != '\0') {
        char *nl = strchr(p, '\n'), *w[4];
        size_t n;
        enum lnt_err rc;

        if (nl != NULL)
            *nl = '\0';
        ln++;
        if (p[0] != '\0' && p[0] != '#') {
            n = split(p, w, 4);
            if (!header) {
                if (n != 2 || strcmp(w[0], "lantern-keys") != 0 || strcmp(w[1], "1") != 0)
                    return lnt_fail(err, LNT_ERR_INVALID,
                                    "key file %s line %d: expected `" HEADER "` first", path, ln);
                header = true;
            } else if (n == 3 && strcmp(w[0], "sign") == 0) {
                if ((rc = parse_sign(path, ln, w, kf, err)) != LNT_OK)
                    return rc;
            } else if (n == 3 && strcmp(w[0], "box") == 0) {
                if ((rc = parse_box(path, ln, w, kf, err)) != LNT_OK)
                    return rc;
            } else if (n == 3 && strcmp(w[0], "wrap") == 0) {
                if ((rc = parse_wrap(path, ln, w, kf, err)) != LNT_OK)
                    return rc;
            } else {
                return lnt_fail(err, LNT_ERR_INVALID,
                                "key file %s line %d: expected `sign KID SECRET`, "
                                "`box PUBLIC SECRET` or `wrap KID KEY`",
                                path, ln);
            }
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    if (!header)
        return lnt_fail(err, LNT_ERR_INVALID, "key file %s: no `" HEADER "` line: not a key file",
                        path);
    return LNT_OK;
}

enum lnt_err lnt_keyfile_load(const char *path, struct lnt_keyfile *out, char *err)
{
    char *text = NULL;
    struct stat st;
    size_t len = 0;
    enum lnt_err rc = LNT_OK;
    int fd;

    memset(out, 0, sizeof *out);
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return lnt_fail(err, LNT_ERR_NOT_FOUND, "no key file at %s", path);
        if (errno == ELOOP)
            return lnt_fail(err, LNT_ERR_FORBIDDEN, "key file %s is a symbolic link", path);
        return lnt_fail(err, LNT_ERR_IO, "key file %s: %s", path, strerror(errno));
    }
    /* checked on the open file: what is read is what was checked */
    if (fstat(fd, &st) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "key file %s: %s", path, strerror(errno));
        goto out;
    }
    if ((rc = check_file(path, &st, err)) != LNT_OK || (rc = check_dir(path, err)) != LNT_OK)
        goto out;
    if (st.st_size >= TEXT_MAX) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s is over %d bytes: not a key file", path,
                      TEXT_MAX);
        goto out;
    }
    text = malloc(TEXT_MAX);
    if (text == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading %s", path);
        goto out;
    }
    for (;;) {
        ssize_t r = read(fd, text + len, TEXT_MAX - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = lnt_fail(err, LNT_ERR_IO, "reading key file %s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == TEXT_MAX - 1) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s is over %d bytes", path,
                          TEXT_MAX - 1);
            goto out;
        }
    }
    text[len] = '\0';
    if (memchr(text, '\0', len) != NULL) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "key file %s holds NUL bytes: not a key file", path);
        goto out;
    }
    rc = parse(path, text, out, err);
out:
    if (text != NULL) {
        sodium_memzero(text, TEXT_MAX);
        free(text);
    }
    close(fd);
    if (rc != LNT_OK)
        lnt_keyfile_wipe(out);
    return rc;
}

const struct lnt_signing_key *lnt_keyfile_find_sign(const struct lnt_keyfile *kf,
                                                    const uint8_t kid[LNT_KID_LEN],
                                                    const uint8_t pk[LNT_SIGN_PK_LEN])
{
    for (size_t i = 0; i < kf->n_sign; i++)
        if (memcmp(kf->sign[i].kid, kid, LNT_KID_LEN) == 0 &&
            memcmp(kf->sign[i].pk, pk, LNT_SIGN_PK_LEN) == 0)
            return &kf->sign[i];
    return NULL;
}

const struct lnt_box_key *lnt_keyfile_find_box(const struct lnt_keyfile *kf,
                                               const uint8_t pk[LNT_BOX_KEY_LEN])
{
    for (size_t i = 0; i < kf->n_box; i++)
        if (memcmp(kf->box[i].pk, pk, LNT_BOX_KEY_LEN) == 0)
            return &kf->box[i];
    return NULL;
}

const struct lnt_wrap_key *lnt_keyfile_find_wrap(const struct lnt_keyfile *kf,
                                                 const uint8_t kid[LNT_WRAP_KID_LEN])
{
    for (size_t i = 0; i < kf->n_wrap; i++)
        if (memcmp(kf->wrap[i].kid, kid, LNT_WRAP_KID_LEN) == 0)
            return &kf->wrap[i];
    return NULL;
}

void lnt_keyfile_wipe(struct lnt_keyfile *kf)
{
    sodium_memzero(kf, sizeof *kf);
}

/* ---- writing ---- */

/* Appends `s` to text[*len] within TEXT_MAX; false when it does not fit. */
static bool put(char *text, size_t *len, const char *s)
{
    size_t n = strlen(s);

    if (*len + n >= TEXT_MAX)
        return false;
    memcpy(text + *len, s, n);
    *len += n;
    text[*len] = '\0';
    return true;
}

/* The whole file's text into `text` (TEXT_MAX bytes); false when it does not fit. */
static bool format(const struct lnt_keyfile *kf, char *text, size_t *len)
{
    char hex[LNT_HEX_LEN(LNT_SIGN_SK_LEN)];
    bool ok = true;

    *len = 0;
    text[0] = '\0';
    ok = put(text, len,
             "# Lantern secret keys: badge signing (sign KID SECRET), incident sealing\n"
             "# (box PUBLIC SECRET) and the sealing of secrets the database keeps, such as\n"
             "# webhook secrets (wrap KID KEY). Readable by the service user only. Back this\n"
             "# file up apart from the database: whoever has both can read every sealed\n"
             "# incident and sign badges. Written by lanternctl and lanternd; do not edit.\n" HEADER
             "\n");
    for (size_t i = 0; ok && i < kf->n_sign; i++) {
        ok = put(text, len, "sign ");
        lnt_hex_encode(kf->sign[i].kid, LNT_KID_LEN, hex);
        ok = ok && put(text, len, hex) && put(text, len, " ");
        lnt_hex_encode(kf->sign[i].sk, LNT_SIGN_SK_LEN, hex);
        ok = ok && put(text, len, hex) && put(text, len, "\n");
    }
    for (size_t i = 0; ok && i < kf->n_box; i++) {
        ok = put(text, len, "box ");
        lnt_hex_encode(kf->box[i].pk, LNT_BOX_KEY_LEN, hex);
        ok = ok && put(text, len, hex) && put(text, len, " ");
        lnt_hex_encode(kf->box[i].sk, LNT_BOX_KEY_LEN, hex);
        ok = ok && put(text, len, hex) && put(text, len, "\n");
    }
    for (size_t i = 0; ok && i < kf->n_wrap; i++) {
        ok = put(text, len, "wrap ");
        lnt_hex_encode(kf->wrap[i].kid, LNT_WRAP_KID_LEN, hex);
        ok = ok && put(text, len, hex) && put(text, len, " ");
        lnt_hex_encode(kf->wrap[i].key, LNT_WRAP_KEY_LEN, hex);
        ok = ok && put(text, len, hex) && put(text, len, "\n");
    }
    sodium_memzero(hex, sizeof hex);
    return ok;
}

/* Makes the key directory 0700 when it is missing (its parent must exist). */
static enum lnt_err make_dir(const char *path, char *err)
{
    char dir[DIR_MAX];
    enum lnt_err rc = dir_of(path, dir, sizeof dir, err);

    if (rc != LNT_OK)
        return rc;
    if (mkdir(dir, 0700) == 0) {
        /* the mode is exact whatever the umask */
        if (chmod(dir, 0700) != 0)
            return lnt_fail(err, LNT_ERR_IO, "key directory %s: %s", dir, strerror(errno));
        return LNT_OK;
    }
    if (errno == EEXIST)
        return LNT_OK;
    return lnt_fail(err, LNT_ERR_IO, "creating key directory %s: %s", dir, strerror(errno));
}

/* Writes `text` to path via path.tmp (0600 from its creation), fsync, rename, fsync of dirfd. */
static enum lnt_err write_atomic(const char *path, int dirfd, const char *text, size_t len,
                                 char *err)
{
    char tmp[DIR_MAX + 16];
    size_t off = 0;
    enum lnt_err rc = LNT_OK;
    int fd, n = snprintf(tmp, sizeof tmp, "%s.tmp", path);

    if (n < 0 || (size_t)n >= sizeof tmp)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "key file path is too long: %s", path);
    /* a temporary file left by a crash holds nothing the real file lacks: replace it */
    (void)unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return lnt_fail(err, LNT_ERR_IO, "creating %s: %s", tmp, strerror(errno));
    /* a umask can only take bits away, but say exactly what the file is */
    if (fchmod(fd, 0600) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "%s: %s", tmp, strerror(errno));
        goto fail;
    }
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = lnt_fail(err, LNT_ERR_IO, "writing %s: %s", tmp, strerror(errno));
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "syncing %s: %s", tmp, strerror(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = lnt_fail(err, LNT_ERR_IO, "writing %s: %s", tmp, strerror(errno));
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "renaming %s to %s: %s", tmp, path, strerror(errno));
        goto fail;
    }
    if (fsync(dirfd) != 0)
        return lnt_fail(err, LNT_ERR_IO, "syncing the directory of %s: %s", path, strerror(errno));
    return LNT_OK;
fail:
    if (fd >= 0)
        close(fd);
    (void)unlink(tmp);
    return rc;
}

/* lnt_keyfile_add with wrapping keys too. */
static enum lnt_err add_keys(const char *path, const struct lnt_signing_key *sign, size_t n_sign,
                             const struct lnt_box_key *box, size_t n_box,
                             const struct lnt_wrap_key *wrap, size_t n_wrap, char *err)
{
    struct lnt_keyfile *kf = NULL;
    char dir[DIR_MAX], *text = NULL;
    size_t before, len = 0;
    enum lnt_err rc;
    int dfd = -1;

    if ((rc = dir_of(path, dir, sizeof dir, err)) != LNT_OK || (rc = make_dir(path, err)) != LNT_OK)
        return rc;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return lnt_fail(err, LNT_ERR_IO, "key directory %s: %s", dir, strerror(errno));
    if (flock(dfd, LOCK_EX) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "locking key directory %s: %s", dir, strerror(errno));
        goto out;
    }
    if ((rc = check_dir(path, err)) != LNT_OK)
        goto out;
    kf = malloc(sizeof *kf);
    text = malloc(TEXT_MAX);
    if (kf == NULL || text == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory writing %s", path);
        goto out;
    }
    rc = lnt_keyfile_load(path, kf, err);
    if (rc == LNT_ERR_NOT_FOUND)
        rc = LNT_OK; /* a first key: lnt_keyfile_load left *kf empty */
    if (rc != LNT_OK)
        goto out;
    before = kf->n_sign + kf->n_box + kf->n_wrap;
    for (size_t i = 0; rc == LNT_OK && i < n_sign; i++) {
        if (lnt_keyfile_find_sign(kf, sign[i].kid, sign[i].pk) != NULL)
            continue;
        if (kf->n_sign == LNT_KEYFILE_MAX)
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s already holds %d signing keys", path,
                          LNT_KEYFILE_MAX);
        else
            kf->sign[kf->n_sign++] = sign[i];
    }
    for (size_t i = 0; rc == LNT_OK && i < n_box; i++) {
        if (lnt_keyfile_find_box(kf, box[i].pk) != NULL)
            continue;
        if (kf->n_box == LNT_KEYFILE_MAX)
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s already holds %d sealing keys", path,
                          LNT_KEYFILE_MAX);
        else
            kf->box[kf->n_box++] = box[i];
    }
    for (size_t i = 0; rc == LNT_OK && i < n_wrap; i++) {
        if (lnt_keyfile_find_wrap(kf, wrap[i].kid) != NULL)
            continue;
        if (kf->n_wrap == LNT_KEYFILE_MAX)
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s already holds %d wrapping keys",
                          path, LNT_KEYFILE_MAX);
        else
            kf->wrap[kf->n_wrap++] = wrap[i];
    }
    if (rc != LNT_OK || kf->n_sign + kf->n_box + kf->n_wrap == before)
        goto out; /* nothing new: the file already holds them all */
    if (!format(kf, text, &len)) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "key file %s would be over %d bytes", path, TEXT_MAX);
        goto out;
    }
    rc = write_atomic(path, dfd, text, len, err);
out:
    if (kf != NULL) {
        lnt_keyfile_wipe(kf);
        free(kf);
    }
    if (text != NULL) {
        sodium_memzero(text, TEXT_MAX);
        free(text);
    }
    close(dfd); /* releases the lock */
    return rc;
}

enum lnt_err lnt_keyfile_add(const char *path, const struct lnt_signing_key *sign, size_t n_sign,
                             const struct lnt_box_key *box, size_t n_box, char *err)
{
    return add_keys(path, sign, n_sign, box, n_box, NULL, 0, err);
}

enum lnt_err lnt_keyfile_add_wrap(const char *path, const struct lnt_wrap_key *k, char *err)
{
    return add_keys(path, NULL, 0, NULL, 0, k, 1, err);
}
