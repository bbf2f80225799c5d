/*
 * replay.c - runs a fuzz target's LLVMFuzzerTestOneInput over saved inputs,
 * without libFuzzer: the ordinary (gcc, ASan + UBSan) test build links it
 * with each tests/fuzz/fuzz_<name>.c, and ctest replays the seed corpus
 * tests/fuzz/corpus/<name>/ with it (tests/fuzz/CMakeLists.txt).
 *
 *   fuzz_<name> PATH...    each PATH a file, or a directory whose files are all run
 *
 * Files are run in name order, each from a buffer of exactly its size (so a
 * read past the end is caught). Exits 0 when every input ran, 1 when a path
 * cannot be read or no input was found at all; a target that finds a broken
 * invariant aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX (1024 * 1024) /* bytes: seeds are small; anything larger is a mistake */

/* Runs one file. 0, or -1 after saying why it could not be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t n;
    int rc = -1;

    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    data = malloc(INPUT_MAX + 1);
    if (data == NULL) {
        fprintf(stderr, "replay: %s: out of memory\n", path);
        goto out;
    }
    n = fread(data, 1, INPUT_MAX + 1, f);
    if (ferror(f) || n > INPUT_MAX) {
        fprintf(stderr, "replay: %s: %s\n", path, ferror(f) ? "read error" : "larger than 1 MiB");
        goto out;
    }
    /* A copy of exactly n bytes, so that ASan sees a read past the input's end. */
    {
        uint8_t *exact = malloc(n > 0 ? n : 1);
        if (exact == NULL) {
            fprintf(stderr, "replay: %s: out of memory\n", path);
            goto out;
        }
        memcpy(exact, data, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    rc = 0;
out:
    free(data);
    fclose(f);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in `dir`, in name order, adding to *count. 0 or -1. */
static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **more = realloc(names, (cap ? cap * 2 : 64) * sizeof *names);
            if (more == NULL) {
                rc = -1;
                goto out;
            }
            names = more;
            cap = cap ? cap * 2 : 64;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = -1;
            goto out;
        }
        n++;
    }
    if (n > 0)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[4096];
        struct stat st;
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (len < 0 || (size_t)len >= sizeof path) {
            fprintf(stderr, "replay: %s/%s: path too long\n", dir, names[i]);
            rc = -1;
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            rc = run_file(path);
            if (rc == 0)
                (*count)++;
        }
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) != 0 : run_file(argv[i]) != 0)
            return 1;
        if (!S_ISDIR(st.st_mode))
            count++;
    }
    if (count == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    printf("replay: %zu inputs ran\n", count);
    return 0;
}
