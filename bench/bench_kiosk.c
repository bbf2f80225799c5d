/*
 * bench_kiosk.c - the kiosk's scanner and start-up against zbarimg on the same frames: decode
 * time per 640x480 frame with and without a badge (and how many frames woke ZBar at all),
 * decode success on rotated, blurred, noisy, low-contrast, tilted and busy-background renders
 * of a badge (Gaussian blur to sigma 2 at 3 and 4 px per module, 30-degree tilt, glare, JPEG at
 * quality 30 among them), with the frames zbarimg read and the scanner missed counted, time from a
 * frame to the result on screen, and the kiosk's start-up time and peak memory.
 *
 *   bench_kiosk [--frames N] [--variants N]     (defaults 200 and 20)
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>

#include "app.h"
#include "badge.h"
#include "buf.h"
#include "codec.h"
#include "image.h"
#include "ltime.h"
#include "outbox.h"
#include "qr.h"
#include "render_sdl.h"
#include "scan.h"
#include "screen.h"

#define W 640
#define H 480
#define CMD_MAX 65536

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* xorshift: the same frames on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static double rnd01(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / (double)(1ULL << 53);
}
static double gauss(void)
{
    double u = rnd01() + 1e-12, v = rnd01();
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench_kiosk: %s: %s\n", what, err);
    exit(1);
}

/* A realistic badge: long name, SIA licence, four courses. */
static void make_badge(const struct lnt_signing_key *key, char *text, size_t size)
{
    struct lnt_badge_claims c;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = lnt_time_now();
    static const enum lnt_course courses[] = {LNT_COURSE_WAVE, LNT_COURSE_ANGELA,
                                              LNT_COURSE_SPIKING, LNT_COURSE_FIRST_AID};

    memset(&c, 0, sizeof c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "WTN");
    lnt_str_copy(c.subject, sizeof c.subject, "1042");
    lnt_str_copy(c.name, sizeof c.name, "Aleksandra Kowalczyk-Brown");
    lnt_random(c.serial, sizeof c.serial);
    c.issued_at = now - 86400;
    c.expires_at = now + 300 * 86400LL;
    c.role = LNT_ROLE_DOOR;
    c.venue = 12;
    lnt_str_copy(c.sia_number, sizeof c.sia_number, "1234567812345678");
    c.sia_expires = lnt_date_of(now) + 700;
    c.n_courses = 4;
    for (size_t i = 0; i < 4; i++) {
        c.courses[i].course = courses[i];
        c.courses[i].expires = lnt_date_of(now) + 300;
    }
    if (lnt_badge_issue(&c, key, text, size, err) != LNT_OK)
        die("badge", err);
}

/* A bar's back wall: shelves, bottles and posters as blocks of every grey, with edges. */
static void busy_scene(struct lnt_image *frame)
{
    for (size_t i = 0; i < frame->stride * (size_t)H; i++)
        frame->px[i] = 90;
    for (int b = 0; b < 160; b++) {
        int w = 8 + (int)(rnd01() * 90), h = 8 + (int)(rnd01() * 120);
        int x0 = (int)(rnd01() * (W - w)), y0 = (int)(rnd01() * (H - h));
        uint8_t g = (uint8_t)(20 + rnd01() * 220);
        for (int y = y0; y < y0 + h; y++)
            memset(frame->px + (size_t)y * frame->stride + (size_t)x0, g, (size_t)w);
    }
}

/* The code (if any) centred on what is in the frame already. */
static void paste(struct lnt_image *frame, const struct lnt_image *code)
{
    if (code == NULL)
        return;
    for (int y = 0; y < code->h; y++)
        for (int x = 0; x < code->w; x++) {
            int fx = (W - code->w) / 2 + x, fy = (H - code->h) / 2 + y;
            if (fx >= 0 && fx < W && fy >= 0 && fy < H)
                frame->px[(size_t)fy * frame->stride + (size_t)fx] =
                    code->px[(size_t)y * code->stride + (size_t)x];
        }
}

/* A scene: a wall in a soft gradient, with the code (if any) centred. */
static void compose(struct lnt_image *frame, const struct lnt_image *code)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            frame->px[(size_t)y * frame->stride + (size_t)x] =
                (uint8_t)(150 + x * 40 / W + y * 20 / H);
    paste(frame, code);
}

static uint8_t sample(const struct lnt_image *img, double x, double y)
{
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0, v = 0;

    if (x0 < 0 || y0 < 0 || x0 + 1 >= img->w || y0 + 1 >= img->h)
        return 170;
    v = (1 - fx) * (1 - fy) * img->px[(size_t)y0 * img->stride + (size_t)x0] +
        fx * (1 - fy) * img->px[(size_t)y0 * img->stride + (size_t)x0 + 1] +
        (1 - fx) * fy * img->px[(size_t)(y0 + 1) * img->stride + (size_t)x0] +
        fx * fy * img->px[(size_t)(y0 + 1) * img->stride + (size_t)x0 + 1];
    return (uint8_t)(v + 0.5);
}

enum warp { WARP_NONE, WARP_ROTATE, WARP_TILT };

/* Rotates by `deg` about the centre, or tilts the card by `deg` about its vertical axis. */
static void warp(struct lnt_image *img, enum warp kind, double deg)
{
    struct lnt_image src = {0};
    double a = deg * 3.141592653589793 / 180.0, f = 700.0, cx = W / 2.0, cy = H / 2.0;

    if (kind == WARP_NONE)
        return;
    if (lnt_image_init(&src, W, H, 0) != LNT_OK)
        die("warp", "out of memory");
    memcpy(src.px, img->px, src.stride * (size_t)H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double dx = x - cx, dy = y - cy, sx, sy;
            if (kind == WARP_ROTATE) {
                sx = cos(a) * dx + sin(a) * dy;
                sy = -sin(a) * dx + cos(a) * dy;
            } else {
                /* The card's plane turned by `a`, seen through a pinhole at focal length f. */
                sx = dx * f / (f * cos(a) - dx * sin(a));
                sy = dy * (f + sx * sin(a)) / f;
            }
            img->px[(size_t)y * img->stride + (size_t)x] = sample(&src, cx + sx, cy + sy);
        }
    lnt_image_release(&src);
}

static void box_blur(struct lnt_image *img, int r)
{
    static uint8_t row[W > H ? W : H];

    for (int pass = 0; pass < 2 && r > 0; pass++) {
        for (int y = 0; y < H; y++) {
            uint8_t *p = img->px + (size_t)y * img->stride;
            memcpy(row, p, W);
            for (int x = 0; x < W; x++) {
                int s = 0, n = 0;
                for (int k = -r; k <= r; k++)
                    if (x + k >= 0 && x + k < W)
                        s += row[x + k], n++;
                p[x] = (uint8_t)(s / n);
            }
        }
        for (int x = 0; x < W; x++) {
            for (int y = 0; y < H; y++)
                row[y] = img->px[(size_t)y * img->stride + (size_t)x];
            for (int y = 0; y < H; y++) {
                int s = 0, n = 0;
                for (int k = -r; k <= r; k++)
                    if (y + k >= 0 && y + k < H)
                        s += row[y + k], n++;
                img->px[(size_t)y * img->stride + (size_t)x] = (uint8_t)(s / n);
            }
        }
    }
}

/* A lens out of focus: a Gaussian of `sigma` pixels, rows then columns. */
static void gauss_blur(struct lnt_image *img, double sigma)
{
    static double tmp[W * H];
    double k[16];
    int r = (int)ceil(3 * sigma);
    double sum = 0;

    if (sigma <= 0)
        return;
    if (r > 15)
        r = 15;
    for (int i = 0; i <= r; i++) {
        k[i] = exp(-(double)(i * i) / (2 * sigma * sigma));
        sum += i == 0 ? k[i] : 2 * k[i];
    }
    for (int i = 0; i <= r; i++)
        k[i] /= sum;
    for (int y = 0; y < H; y++) {
        const uint8_t *p = img->px + (size_t)y * img->stride;
        for (int x = 0; x < W; x++) {
            double v = k[0] * p[x];
            for (int i = 1; i <= r; i++)
                v += k[i] * (p[x - i < 0 ? 0 : x - i] + p[x + i >= W ? W - 1 : x + i]);
            tmp[y * W + x] = v;
        }
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double v = k[0] * tmp[y * W + x];
            for (int i = 1; i <= r; i++)
                v += k[i] * (tmp[(y - i < 0 ? 0 : y - i) * W + x] +
                             tmp[(y + i >= H ? H - 1 : y + i) * W + x]);
            img->px[(size_t)y * img->stride + (size_t)x] = (uint8_t)(v + 0.5);
        }
}

/*
 * A ceiling light reflected off the laminate, over the code's top-right quarter: a veil of white
 * that leaves a quarter of the contrast at its centre and fades out over about 60 px.
 */
static void glare(struct lnt_image *img)
{
    const double gx = W / 2.0 + 70, gy = H / 2.0 - 60, s = 55;

    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double g = 0.75 * exp(-((x - gx) * (x - gx) + (y - gy) * (y - gy)) / (2 * s * s));
            uint8_t *p = img->px + (size_t)y * img->stride + (size_t)x;
            *p = (uint8_t)(*p + (255 - *p) * g + 0.5);
        }
}

/* Through a JPEG encoder at `quality` and back, as a cheap IP camera sends its frames. */
static void jpeg_roundtrip(struct lnt_image *img, int quality)
{
    struct jpeg_compress_struct c;
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr jerr;
    unsigned char *mem = NULL;
    unsigned long size = 0;
    JSAMPROW row;

    if (quality <= 0)
        return;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &mem, &size);
    c.image_width = W;
    c.image_height = H;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < H) {
        row = img->px + (size_t)c.next_scanline * img->stride;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);

    d.err = jpeg_std_error(&jerr);
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, mem, size);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&d);
    while (d.output_scanline < H) {
        row = img->px + (size_t)d.output_scanline * img->stride;
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    free(mem);
}

/* Contrast squeezed into [lo, hi], then Gaussian noise of `sigma`. */
static void tone(struct lnt_image *img, int lo, int hi, double sigma)
{
    for (size_t i = 0; i < img->stride * (size_t)H; i++) {
        double v = lo + img->px[i] * (hi - lo) / 255.0 + (sigma > 0 ? sigma * gauss() : 0);
        img->px[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

struct variant {
    const char *name;
    int module_px;
    enum warp warp;
    double deg;
    int blur;
    int lo, hi;
    double noise;
    bool busy;    /* held up in front of the bar's back wall instead of a plain one */
    double sigma; /* Gaussian blur, pixels */
    bool glare;   /* a light's reflection over a quarter of the code */
    int jpeg;     /* JPEG quality the frame went through, 0 for none */
};

static const struct variant variants[] = {
    {"clean, 4 px/module", 4, WARP_NONE, 0, 0, 0, 255, 0, false, 0, false, 0},
    {"clean, 3 px/module", 3, WARP_NONE, 0, 0, 0, 255, 0, false, 0, false, 0},
    {"rotated 15 deg", 4, WARP_ROTATE, 15, 0, 0, 255, 2, false, 0, false, 0},
    {"rotated 45 deg", 4, WARP_ROTATE, 45, 0, 0, 255, 2, false, 0, false, 0},
    {"blurred (box r=1, twice)", 4, WARP_NONE, 0, 1, 0, 255, 2, false, 0, false, 0},
    {"blurred (box r=2, twice)", 4, WARP_NONE, 0, 2, 0, 255, 2, false, 0, false, 0},
    {"noisy (sigma 20)", 4, WARP_NONE, 0, 0, 0, 255, 20, false, 0, false, 0},
    {"noisy (sigma 40)", 4, WARP_NONE, 0, 0, 0, 255, 40, false, 0, false, 0},
    {"low contrast (100..160)", 4, WARP_NONE, 0, 0, 100, 160, 3, false, 0, false, 0},
    {"low contrast (120..145)", 4, WARP_NONE, 0, 0, 120, 145, 3, false, 0, false, 0},
    {"tilted 10 deg", 4, WARP_TILT, 10, 0, 0, 255, 2, false, 0, false, 0},
    {"tilted 20 deg", 4, WARP_TILT, 20, 0, 0, 255, 2, false, 0, false, 0},
    {"tilted 30 deg", 4, WARP_TILT, 30, 0, 0, 255, 2, false, 0, false, 0},
    {"tilted 10, blurred, noisy, 3 px/module", 3, WARP_TILT, 10, 1, 20, 230, 10, false, 0, false,
     0},
    {"busy bar scene behind, 3 px/module", 3, WARP_NONE, 0, 0, 0, 255, 3, true, 0, false, 0},
    {"busy bar scene behind, rotated 30 deg", 4, WARP_ROTATE, 30, 0, 0, 255, 3, true, 0, false, 0},
    {"low contrast (110..150), blurred (r=1), 3 px/module", 3, WARP_NONE, 0, 1, 110, 150, 3, false,
     0, false, 0},
    {"rotated 30 deg, noisy (sigma 20), 3 px/module", 3, WARP_ROTATE, 30, 0, 0, 255, 20, false, 0,
     false, 0},
    {"Gaussian blur sigma 1, 4 px/module", 4, WARP_NONE, 0, 0, 0, 255, 2, false, 1.0, false, 0},
    {"Gaussian blur sigma 1.5, 4 px/module", 4, WARP_NONE, 0, 0, 0, 255, 2, false, 1.5, false, 0},
    {"Gaussian blur sigma 2, 4 px/module", 4, WARP_NONE, 0, 0, 0, 255, 2, false, 2.0, false, 0},
    {"Gaussian blur sigma 1, 3 px/module", 3, WARP_NONE, 0, 0, 0, 255, 2, false, 1.0, false, 0},
    {"Gaussian blur sigma 1.5, 3 px/module", 3, WARP_NONE, 0, 0, 0, 255, 2, false, 1.5, false, 0},
    {"Gaussian blur sigma 2, 3 px/module", 3, WARP_NONE, 0, 0, 0, 255, 2, false, 2.0, false, 0},
    {"blur sigma 1.5, noisy (sigma 12), 4 px/module", 4, WARP_NONE, 0, 0, 0, 255, 12, false, 1.5,
     false, 0},
    {"blur sigma 1, low contrast (110..150), 4 px/module", 4, WARP_NONE, 0, 0, 110, 150, 3, false,
     1.0, false, 0},
    {"rotated 30 deg, blur sigma 1.5, 4 px/module", 4, WARP_ROTATE, 30, 0, 0, 255, 3, false, 1.5,
     false, 0},
    {"rotated 60 deg, blur sigma 1, 3 px/module", 3, WARP_ROTATE, 60, 0, 0, 255, 3, false, 1.0,
     false, 0},
    {"tilted 30 deg, 3 px/module", 3, WARP_TILT, 30, 0, 0, 255, 2, false, 0, false, 0},
    {"tilted 30 deg, blur sigma 1, 4 px/module", 4, WARP_TILT, 30, 0, 0, 255, 3, false, 1.0, false,
     0},
    {"glare over a quarter, 4 px/module", 4, WARP_NONE, 0, 0, 0, 255, 3, false, 0, true, 0},
    {"glare, blur sigma 1, 3 px/module", 3, WARP_NONE, 0, 0, 0, 255, 3, false, 1.0, true, 0},
    {"JPEG quality 30, 4 px/module", 4, WARP_NONE, 0, 0, 0, 255, 3, false, 0, false, 30},
    {"JPEG quality 30, blur sigma 1, 3 px/module", 3, WARP_NONE, 0, 0, 0, 255, 3, false, 1.0, false,
     30},
    {"all at once: tilted 15, blur sigma 1, noise 8, 40..210, JPEG 30, 4 px/module", 4, WARP_TILT,
     15, 0, 40, 210, 8, false, 1.0, false, 30},
};

static void render_variant(const struct variant *v, const char *text, struct lnt_image *frame)
{
    struct lnt_image code = {0};
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_qr_render(text, 12, v->module_px, 4, &code, NULL, err) != LNT_OK)
        die("qr", err);
    if (v->busy) {
        busy_scene(frame);
        paste(frame, &code);
    } else {
        compose(frame, &code);
    }
    lnt_image_release(&code);
    warp(frame, v->warp, v->deg);
    if (v->glare)
        glare(frame);
    box_blur(frame, v->blur);
    gauss_blur(frame, v->sigma);
    tone(frame, v->lo, v->hi, v->noise);
    jpeg_roundtrip(frame, v->jpeg);
}

/* Runs `cmd`, returns its wall time; counts stdout lines equal to `want` into *hits. */
static double run_cmd(const char *cmd, const char *want, int *hits)
{
    char line[1024];
    double t0 = now_s();
    FILE *p = popen(cmd, "r");

    if (p == NULL)
        die("popen", strerror(errno));
    *hits = 0;
    while (fgets(line, sizeof line, p) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (want != NULL && strcmp(line, want) == 0)
            (*hits)++;
    }
    pclose(p);
    return now_s() - t0;
}

#define ZBARIMG "zbarimg -q --raw -Sdisable -Sqrcode.enable "

/* zbarimg over files dir/prefix0000.png .. (n-1): seconds per frame without its start-up. */
static double zbarimg_per_frame(const char *dir, const char *prefix, int n, const char *want,
                                int *hits)
{
    char *cmd = malloc(CMD_MAX);
    size_t used;
    double one, all;
    int dummy;

    snprintf(cmd, CMD_MAX, ZBARIMG "%s/%s0000.png 2>/dev/null", dir, prefix);
    one = run_cmd(cmd, NULL, &dummy);
    used = (size_t)snprintf(cmd, CMD_MAX, ZBARIMG);
    for (int i = 0; i < n && used + 600 < CMD_MAX; i++)
        used += (size_t)snprintf(cmd + used, CMD_MAX - used, "%s/%s%04d.png ", dir, prefix, i);
    snprintf(cmd + used, CMD_MAX - used, "2>/dev/null");
    all = run_cmd(cmd, want, hits);
    free(cmd);
    return (all - one) / (n - 1);
}

static void write_frame(const char *dir, const char *prefix, int i, const struct lnt_image *img)
{
    char path[1024], err[LNT_ERRBUF_SIZE] = "";

    snprintf(path, sizeof path, "%s/%s%04d.png", dir, prefix, i);
    if (lnt_image_write_png(path, img, err) != LNT_OK)
        die("png", err);
}

/* Decode time per frame, ours (median of n) and zbarimg's, with and without a badge. */
static void bench_decode(struct lnt_scanner *sc, const char *text, const char *dir, int n)
{
    const char *labels[4] = {"with a badge", "without a badge (plain wall)",
                             "without a badge (busy bar scene)",
                             "without a badge (grainy wall: dim venue, sigma 20)"};
    struct lnt_image frame = {0}, code = {0};
    double *t = calloc((size_t)n, sizeof *t);
    char out[1024], err[LNT_ERRBUF_SIZE] = "";

    lnt_image_init(&frame, W, H, 0);
    if (lnt_qr_render(text, 12, 4, 4, &code, NULL, err) != LNT_OK)
        die("qr", err);
    printf("\n## decode time per 640x480 frame (median of %d)\n", n);
    printf("| frame | lantern scanner | lantern, mean | zbarimg | zbarimg / lantern "
           "| decoded (lantern, zbarimg) | ZBar woken (box, whole frame) |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (int kind = 0; kind < 4; kind++) {
        int ok = 0, zhits = 0, with = kind == 0;
        struct lnt_scanner_stats before, after;
        double zb, ours, mean = 0;
        const char *prefixes[4] = {"with", "plain", "busy", "grainy"}, *prefix = prefixes[kind];
        lnt_scanner_stats(sc, &before);
        for (int i = 0; i < n; i++) {
            bool found = false;
            double t0;
            if (kind == 2)
                busy_scene(&frame);
            else
                compose(&frame, with ? &code : NULL);
            tone(&frame, 0, 255, kind == 3 ? 20 : 3); /* sensor noise: no two frames alike */
            write_frame(dir, prefix, i, &frame);
            t0 = now_s();
            if (lnt_scanner_scan(sc, &frame, out, sizeof out, &found, err) != LNT_OK)
                die("scan", err);
            t[i] = now_s() - t0;
            ok += found && strcmp(out, text) == 0;
        }
        lnt_scanner_stats(sc, &after);
        for (int i = 0; i < n; i++)
            mean += t[i] / n;
        ours = median(t, (size_t)n);
        zb = zbarimg_per_frame(dir, prefix, n, text, &zhits);
        printf(
            "| %s | %.2f ms | %.2f ms | %.2f ms | %.2f | %d/%d, %d/%d | %llu/%d (%llu, %llu) |\n",
            labels[kind], ours * 1e3, mean * 1e3, zb * 1e3, zb / ours, ok, with ? n : 0, zhits,
            with ? n : 0,
            (unsigned long long)(after.frames - after.skipped) -
                (unsigned long long)(before.frames - before.skipped),
            n, (unsigned long long)(after.boxed - before.boxed),
            (unsigned long long)(after.whole - before.whole));
    }
    lnt_image_release(&code);
    lnt_image_release(&frame);
    free(t);
}

static void bench_robustness(struct lnt_scanner *sc, const struct lnt_signing_key *key,
                             const char *dir, int k)
{
    struct lnt_image frame = {0};
    char out[1024], err[LNT_ERRBUF_SIZE] = "";

    lnt_image_init(&frame, W, H, 0);
    printf("\n## decode success on generated photos of badges (%d different badges each)\n", k);
    printf("| render | lantern scanner | zbarimg | read by zbarimg, missed by lantern |\n"
           "|---|---|---|---|\n");
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        int ours = 0, theirs = 0, missed = 0;
        char prefix[16];
        snprintf(prefix, sizeof prefix, "v%02zu-", v);
        for (int i = 0; i < k; i++) {
            char text[LNT_BADGE_MAX_TEXT + 1];
            bool found = false;
            int hits = 0;
            char cmd[1200];
            make_badge(key, text, sizeof text);
            render_variant(&variants[v], text, &frame);
            write_frame(dir, prefix, i, &frame);
            found = lnt_scanner_scan(sc, &frame, out, sizeof out, &found, err) == LNT_OK && found &&
                    strcmp(out, text) == 0;
            ours += found;
            snprintf(cmd, sizeof cmd, ZBARIMG "%s/%s%04d.png 2>/dev/null", dir, prefix, i);
            run_cmd(cmd, text, &hits);
            theirs += hits > 0;
            missed += hits > 0 && !found;
        }
        printf("| %s | %d/%d | %d/%d | %d |\n", variants[v].name, ours, k, theirs, k, missed);
    }
    lnt_image_release(&frame);
}

/* Frame in, result on screen: decode, verify, build the badge screen, draw it (800x480). */
static void bench_latency(struct lnt_scanner *sc, const struct lnt_signing_key *key, int n)
{
    struct lnt_trusted_key tk;
    struct lnt_trust trust = {"WTN", &tk, 1, NULL, 0};
    struct lnt_app_config cfg = {0};
    struct lnt_app *app = calloc(1, sizeof *app);
    struct lnt_app_out *o = calloc(1, sizeof *o);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = {0};
    struct lnt_render *r = NULL;
    struct lnt_image frame = {0}, code = {0};
    double *t = calloc((size_t)n, sizeof *t);
    char text[LNT_BADGE_MAX_TEXT + 1], out[1024], err[LNT_ERRBUF_SIZE] = "";

    memcpy(tk.kid, key->kid, LNT_KID_LEN);
    memcpy(tk.pk, key->pk, LNT_SIGN_PK_LEN);
    cfg.trust = &trust;
    if (lnt_render_new(LNT_RENDER_OFFSCREEN, false, &r, err) != LNT_OK)
        die("render", err);
    lnt_image_init(&frame, W, H, 0);
    make_badge(key, text, sizeof text);
    lnt_qr_render(text, 12, 4, 4, &code, NULL, err);
    compose(&frame, &code);
    st.enrolled = true;
    for (int i = 0; i < n; i++) {
        bool found = false;
        double t0 = now_s();
        int64_t ms = lnt_time_now() * 1000;
        lnt_app_init(app, &cfg, ms);
        lnt_scanner_scan(sc, &frame, out, sizeof out, &found, err);
        lnt_app_scan(app, found ? out : NULL, ms, o);
        st.now = ms / 1000;
        lnt_screen_build(app, &st, dl);
        lnt_render_draw(r, dl, err);
        t[i] = now_s() - t0;
        if (app->state != LNT_APP_BADGE)
            die("latency", "the badge was not shown");
        /* A different screen each time, so the renderer draws it in full. */
        st.unsent = i;
    }
    printf("\n## frame with a badge to the result on screen (median of %d)\n", n);
    printf("decode + verify + screen + draw at 800x480: %.1f ms (target < 100 ms)\n",
           median(t, (size_t)n) * 1e3);
    lnt_render_free(r);
    lnt_image_release(&frame);
    lnt_image_release(&code);
    free(t);
    free(dl);
    free(o);
    free(app);
}

/* Runs argv; wall seconds to exit and peak RSS in MiB. */
static double run_measured(char *const argv[], double *peak_mib)
{
    struct rusage ru;
    double t0 = now_s();
    int status = 0;
    pid_t pid = fork();

    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
        die("fork", strerror(errno));
    *peak_mib = (double)ru.ru_maxrss / 1024.0;
    return now_s() - t0;
}

static void bench_startup(const struct lnt_signing_key *key, const char *dir, const char *bin)
{
    char kiosk[1100], data[1100], script[1100], shot[1100], badge[1100], zbar[1100];
    char err[LNT_ERRBUF_SIZE] = "", text[LNT_BADGE_MAX_TEXT + 1];
    struct lnt_identity *id = calloc(1, sizeof *id);
    struct lnt_outbox *ob = NULL;
    struct lnt_image frame = {0}, code = {0};
    double k_mib, z_mib, kt = 0, zt = 0, kb = 0, zb = 0;
    FILE *f;

    snprintf(kiosk, sizeof kiosk, "%s/lantern-kiosk", bin);
    snprintf(data, sizeof data, "%s/kiosk", dir);
    snprintf(script, sizeof script, "%s/start.txt", dir);
    snprintf(shot, sizeof shot, "%s/start-shot.png", dir);
    snprintf(badge, sizeof badge, "%s/start-badge.png", dir);
    mkdir(data, 0700);
    /* An enrolled kiosk whose server is unreachable: start-up never waits on the network. */
    if (lnt_outbox_open(data, &ob, err) != LNT_OK || lnt_outbox_identity_get(ob, id, err) != LNT_OK)
        die("outbox", err);
    id->kiosk_id = 1;
    lnt_str_copy(id->server_url, sizeof id->server_url, "http://127.0.0.1:9");
    lnt_str_copy(id->scheme, sizeof id->scheme, "WTN");
    id->n_keys = 1;
    memcpy(id->keys[0].kid, key->kid, LNT_KID_LEN);
    memcpy(id->keys[0].pk, key->pk, LNT_SIGN_PK_LEN);
    memset(id->box_pk, 7, sizeof id->box_pk);
    if (lnt_outbox_identity_set(ob, id, err) != LNT_OK)
        die("outbox", err);
    lnt_outbox_free(ob);
    free(id);
    make_badge(key, text, sizeof text);
    lnt_image_init(&frame, W, H, 0);
    lnt_qr_render(text, 12, 4, 4, &code, NULL, err);
    compose(&frame, &code);
    if (lnt_image_write_png(badge, &frame, err) != LNT_OK)
        die("png", err);
    f = fopen(script, "w");
    fprintf(f, "scan %s\nshot %s\n", badge, shot);
    fclose(f);
    {
        char *kargv[] = {kiosk,  "--headless", "--data", data, "--replay",
                         script, "--timeout",  "5",      NULL};
        char *zargv[] = {zbar, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", badge, NULL};
        snprintf(zbar, sizeof zbar, "/usr/bin/zbarimg");
        for (int i = 0; i < 5; i++) {
            kt += run_measured(kargv, &k_mib);
            zt += run_measured(zargv, &z_mib);
            kb = k_mib > kb ? k_mib : kb;
            zb = z_mib > zb ? z_mib : zb;
        }
    }
    printf("\n## start-up and peak memory (mean of 5 runs)\n");
    printf("| program | start, scan one badge, draw it, exit | peak resident |\n|---|---|---|\n");
    printf("| lantern-kiosk --headless (badge screen drawn at 800x480) | %.0f ms | %.1f MiB |\n",
           kt / 5 * 1e3, kb);
    printf("| zbarimg on the same frame (baseline) | %.0f ms | %.1f MiB |\n", zt / 5 * 1e3, zb);
    printf("| ratio lantern-kiosk / zbarimg | %.2f | %.2f |\n", kt / zt, kb / zb);
    lnt_image_release(&frame);
    lnt_image_release(&code);
}

int main(int argc, char **argv)
{
    struct lnt_signing_key key;
    struct lnt_scanner *sc = NULL;
    char err[LNT_ERRBUF_SIZE] = "", text[LNT_BADGE_MAX_TEXT + 1], bin[1024],
         tmpl[] = "/tmp/bench-kiosk-XXXXXX";
    int64_t frames = 200, per_variant = 20;
    char *dir;
    ssize_t n;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--frames") == 0 && lnt_parse_i64(argv[i + 1], 2, 100000, &frames) == 0)
            continue;
        if (strcmp(argv[i], "--variants") == 0 &&
            lnt_parse_i64(argv[i + 1], 1, 1000, &per_variant) == 0)
            continue;
        fprintf(stderr, "usage: bench_kiosk [--frames N] [--variants N]\n");
        return 2;
    }
    n = readlink("/proc/self/exe", bin, sizeof bin - 1);
    if (n <= 0)
        die("readlink", strerror(errno));
    bin[n] = '\0';
    *strrchr(bin, '/') = '\0';
    dir = mkdtemp(tmpl);
    if (dir == NULL || lnt_crypto_init() != LNT_OK || lnt_scanner_new(&sc, err) != LNT_OK)
        die("setup", err);
    lnt_badge_keygen(&key);
    make_badge(&key, text, sizeof text);
    printf("# bench_kiosk --frames %lld --variants %lld\n", (long long)frames,
           (long long)per_variant);
    printf("badge QR text: %zu characters\n", strlen(text));
    bench_decode(sc, text, dir, (int)frames);
    bench_robustness(sc, &key, dir, (int)per_variant);
    bench_latency(sc, &key, 50);
    bench_startup(&key, dir, bin);
    lnt_scanner_free(sc);
    if (getenv("BENCH_KIOSK_KEEP") == NULL) {
        char cmd[200];
        int dummy;
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        run_cmd(cmd, NULL, &dummy);
    } else {
        printf("\nframes kept in %s\n", dir);
    }
    return 0;
}
