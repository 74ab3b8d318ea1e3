/*
 * Example plugin written in C against mercator_plugin.h, with no Rust on its side:
 * the invoice format CSV_LINES renders an invoice's lines as CSV (RFC 4180 quoting, CRLF),
 * one row per line and a closing TOTAL row.
 *
 * Build:  cc -std=c11 -O2 -shared -fPIC -I plugins/sdk/include \
 *            -o libcsv_invoice.so plugins/examples/csv-invoice-c/csv_invoice.c -lm
 * Configuration (optional): { "separator": ";" }  (one ASCII character, default ",").
 *
 * Requests are JSON: it reads them with cJSON (MIT, vendor/, compiled into this one file and
 * kept private to the library). Decimals arrive as strings and are copied verbatim.
 */
#include "mercator_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ cJSON, kept private */

/* Compiled here so the build stays one command; hidden so the library exports only its two
   entry points and never clashes with another copy of cJSON in the process. */
#pragma GCC visibility push(hidden)
#include "vendor/cJSON.c"
#pragma GCC visibility pop

/* A member of an object, or NULL (also when `obj` is not an object). */
static const cJSON *jget(const cJSON *obj, const char *key) {
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* A string member's text (cJSON's strings end at the first NUL; the host refuses NUL in every
   text, so none arrives), a whole number's digits written into `buf` (exact up to 2^53), or
   "" when absent. NULL for a number that is not such a whole number: the caller refuses the
   request rather than print a rounded or wrong figure. */
static const char *jtext(const cJSON *n, char buf[32]) {
    if (cJSON_IsString(n)) return n->valuestring;
    if (cJSON_IsNumber(n)) {
        double v = n->valuedouble;
        if (!(v >= -9007199254740992.0 && v <= 9007199254740992.0) || v != (double)(long long)v)
            return NULL;
        snprintf(buf, 32, "%lld", (long long)v);
        return buf;
    }
    return "";
}

/* A member's text for a CSV cell: `jtext`, or "" for a number it refuses (decimals arrive as
   strings; only lineNumber is a number, and render checks it first). */
static const char *cell(const cJSON *n, char buf[32]) {
    const char *t = jtext(n, buf);
    return t ? t : "";
}

/* ------------------------------------------------------------------ output buffer */

typedef struct { uint8_t *ptr; size_t len, cap; int failed; } out_t;

static void put(out_t *o, const char *s, size_t n) {
    if (o->failed) return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4096;
        while (cap < o->len + n + 1) cap *= 2;
        uint8_t *p = realloc(o->ptr, cap);
        if (!p) { o->failed = 1; return; }
        o->ptr = p;
        o->cap = cap;
    }
    memcpy(o->ptr + o->len, s, n);
    o->len += n;
}

static void puts_(out_t *o, const char *s) { put(o, s, strlen(s)); }

/* What init builds from the configuration: one per init, passed back as `instance`. */
typedef struct {
    MercatorPluginApi api;
    char separator;
} csv_plugin;

/* One CSV field, quoted when it holds the separator, a quote or a line break. */
static void field(out_t *o, char separator, const char *s, int last) {
    int quote = strchr(s, separator) || strchr(s, '"') || strchr(s, '\n') || strchr(s, '\r');
    if (quote) {
        put(o, "\"", 1);
        for (const char *c = s; *c; c++) {
            if (*c == '"') put(o, "\"\"", 2);
            else put(o, c, 1);
        }
        put(o, "\"", 1);
    } else {
        puts_(o, s);
    }
    put(o, last ? "\r\n" : &separator, last ? 2 : 1);
}

static MercatorStatus reply(MercatorBuffer *resp, out_t *o, MercatorStatus st) {
    if (o->failed) { free(o->ptr); o->ptr = NULL; o->len = o->cap = 0; st = MERCATOR_PLUGIN_FAULT; }
    resp->ptr = o->ptr;
    resp->len = o->len;
    resp->cap = o->cap;
    return st;
}

static MercatorStatus message(MercatorBuffer *resp, MercatorStatus st, const char *text) {
    out_t o = {0};
    puts_(&o, text);
    return reply(resp, &o, st);
}

/* ------------------------------------------------------------------ the ABI */

static void free_buffer(MercatorBuffer b) { free(b.ptr); }

static MercatorStatus render(void *instance, const uint8_t *req, size_t len, MercatorBuffer *resp) {
    if (!resp || !instance) return MERCATOR_PLUGIN_FAULT;
    const char sep = ((const csv_plugin *)instance)->separator;
    cJSON *root = cJSON_ParseWithLength((const char *)req, len);
    if (!root) return message(resp, MERCATOR_PLUGIN_FAULT, "unreadable request: not valid JSON");
    const cJSON *format = jget(root, "format");
    if (!cJSON_IsString(format) || strcmp(format->valuestring, "CSV_LINES") != 0) {
        cJSON_Delete(root);
        resp->ptr = NULL; resp->len = resp->cap = 0;
        return MERCATOR_UNSUPPORTED;
    }
    const cJSON *inv = jget(root, "invoice");
    const cJSON *lines = jget(inv, "lines");
    if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) == 0) {
        cJSON_Delete(root);
        return message(resp, MERCATOR_BUSINESS_ERROR,
                       "{\"v\":1,\"errors\":[{\"code\":\"CSV_NO_LINES\",\"field\":\"lines\","
                       "\"message\":\"an invoice without lines cannot be rendered as CSV\"}]}");
    }
    const cJSON *l;
    cJSON_ArrayForEach(l, lines) {
        char t[32];
        if (!jtext(jget(l, "lineNumber"), t)) {
            cJSON_Delete(root);
            return message(resp, MERCATOR_PLUGIN_FAULT,
                           "unreadable request: a lineNumber is not a whole number");
        }
    }
    char b[32];
    const char *number = jtext(jget(inv, "number"), b);
    if (!number) number = "";
    out_t o = {0};
    const char *head[] = {"invoice", "line", "item", "description", "quantity", "unit",
                          "unit_price", "line_amount", "tax_code", "tax_rate", "currency"};
    for (int i = 0; i < 11; i++) field(&o, sep, head[i], i == 10);
    char c[32];
    const char *currency = jtext(jget(inv, "currency"), c);
    if (!currency) currency = "";
    cJSON_ArrayForEach(l, lines) {
        char t[32];
        field(&o, sep, number, 0);
        field(&o, sep, cell(jget(l, "lineNumber"), t), 0);
        field(&o, sep, cell(jget(l, "itemNumber"), t), 0);
        field(&o, sep, cell(jget(l, "description"), t), 0);
        field(&o, sep, cell(jget(l, "quantity"), t), 0);
        field(&o, sep, cell(jget(l, "unit"), t), 0);
        field(&o, sep, cell(jget(l, "unitPrice"), t), 0);
        field(&o, sep, cell(jget(l, "lineAmount"), t), 0);
        field(&o, sep, cell(jget(l, "taxCode"), t), 0);
        field(&o, sep, cell(jget(l, "taxRate"), t), 0);
        field(&o, sep, currency, 1);
    }
    const cJSON *totals = jget(inv, "totals");
    char t[32];
    field(&o, sep, number, 0);
    field(&o, sep, "TOTAL", 0);
    for (int i = 0; i < 5; i++) field(&o, sep, "", 0);
    field(&o, sep, cell(jget(totals, "grandTotal"), t), 0);
    field(&o, sep, "", 0);
    field(&o, sep, cell(jget(totals, "taxTotal"), t), 0);
    field(&o, sep, currency, 1);
    cJSON_Delete(root);
    return reply(resp, &o, MERCATOR_OK);
}

static const MercatorManifest MANIFEST = {
    MERCATOR_MAGIC_BYTES,
    MERCATOR_ABI_MAJOR,
    MERCATOR_ABI_MINOR,
    sizeof(MercatorManifest),
    "example.csv-invoice-c",
    "1.0.0",
    "c-header-1.1",
    "{\"invoiceFormats\":[{\"code\":\"CSV_LINES\",\"label\":\"CSV, one row per line (C plugin)\","
    "\"mediaType\":\"text/csv\",\"fileExtension\":\"csv\"}]}",
};

const MercatorManifest *mercator_plugin_manifest(void) { return &MANIFEST; }

const MercatorPluginApi *mercator_plugin_init(const MercatorHostApi *host, const uint8_t *config,
                                              size_t config_len, char *error, size_t error_cap) {
    cJSON *cfg = config_len ? cJSON_ParseWithLength((const char *)config, config_len) : NULL;
    if (config_len && !cfg) {
        snprintf(error, error_cap, "the configuration is not valid JSON");
        return NULL;
    }
    char separator = ',';
    const cJSON *sep = jget(cfg, "separator");
    if (sep) {
        const char *s = cJSON_IsString(sep) ? sep->valuestring : NULL;
        if (!s || strlen(s) != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r'
            || (unsigned char)s[0] >= 0x80) {
            snprintf(error, error_cap, "separator must be one ASCII character other than a quote or line break");
            cJSON_Delete(cfg);
            return NULL;
        }
        separator = s[0];
    }
    cJSON_Delete(cfg);
    /* Each init gets its own table and settings (never freed: the host keeps it for life). */
    csv_plugin *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(error, error_cap, "out of memory");
        return NULL;
    }
    p->separator = separator;
    p->api.struct_size = sizeof(MercatorPluginApi);
    p->api.instance = p;
    p->api.free_buffer = free_buffer;
    p->api.invoice_render = render;
    /* ABI 1.1 hosts offer a log function; read it only if the table is large enough. */
    if (host && host->struct_size >= sizeof(MercatorHostApi) && host->log) {
        const char *msg = "CSV invoice format ready";
        host->log(MERCATOR_LOG_INFO, (const uint8_t *)msg, strlen(msg));
    }
    return &p->api;
}
