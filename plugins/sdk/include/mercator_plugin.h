/*
 * mercator_plugin.h: the Mercator plugin ABI, version 1.1.
 *
 * A Mercator plugin is a shared library (.so / .dylib / .dll) exporting exactly two C symbols:
 *
 *   const MercatorManifest  *mercator_plugin_manifest(void);
 *   const MercatorPluginApi *mercator_plugin_init(const MercatorHostApi *host,
 *                                                 const uint8_t *config_json, size_t config_len,
 *                                                 char *error, size_t error_cap);
 *
 * The host reads the manifest before anything else and refuses the library, naming both
 * versions, if the magic is wrong, the ABI major differs from its own, or the ABI minor is newer
 * than the host's. It then calls init once with its own function table and the plugin's
 * configuration (a JSON object), and keeps the returned table for the life of the process.
 * Libraries are never unloaded.
 *
 * Every operation passes bytes: a UTF-8 JSON request message in, a response in a buffer the
 * plugin allocates and the host hands back to the plugin's free_buffer. The message formats are
 * documented in docs/plugins.md and mirrored as Rust types in the SDK (crate
 * mercator-plugin-sdk). Messages carry a version field "v"; unknown fields are ignored.
 *
 * Compatibility promise: within one ABI major, structs and function tables only grow at the
 * end, and each carries its own size, so a plugin built against an older minor loads on a newer
 * host and a field is read only if the size says it is there.
 *
 * Threads: the host may call any operation from several threads at once, never before init
 * returned; a plugin must be thread-safe. Calls never run on the host's async executor and the
 * host holds no database transaction while a plugin runs.
 */
#ifndef MERCATOR_PLUGIN_H
#define MERCATOR_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The eight magic bytes at the start of the manifest: "MRCPLUG" and a NUL. */
#define MERCATOR_MAGIC_BYTES {'M', 'R', 'C', 'P', 'L', 'U', 'G', 0}
#define MERCATOR_ABI_MAJOR 1
#define MERCATOR_ABI_MINOR 1

/* Status codes returned by every operation. */
typedef int32_t MercatorStatus;
/* The response buffer holds the response message (JSON, or the rendered document). */
#define MERCATOR_OK 0
/* The request was refused by business rules: the buffer holds
 * {"v":1,"errors":[{"code":"…","field":"…"|null,"message":"…"}]}. */
#define MERCATOR_BUSINESS_ERROR 1
/* The plugin failed (a bug, a panic, an unreadable request): the buffer holds a UTF-8 message. */
#define MERCATOR_PLUGIN_FAULT 2
/* The plugin does not implement this operation or does not know the code asked for. */
#define MERCATOR_UNSUPPORTED 3

/* Log levels for MercatorHostApi.log. */
#define MERCATOR_LOG_ERROR 1
#define MERCATOR_LOG_WARN 2
#define MERCATOR_LOG_INFO 3
#define MERCATOR_LOG_DEBUG 4

/*
 * A byte buffer. Buffers travel one way: the plugin allocates a response buffer and fills it;
 * the host reads it and passes the same struct back to the plugin's free_buffer, once, from any
 * thread. `cap` is the plugin's own bookkeeping (Rust uses it for the Vec capacity); the host
 * never reads it. An empty response may have ptr == NULL.
 */
typedef struct MercatorBuffer {
    uint8_t *ptr;
    size_t len;
    size_t cap;
} MercatorBuffer;

/*
 * The manifest: a static struct the plugin owns for the life of the process.
 * Strings are NUL-terminated UTF-8.
 */
typedef struct MercatorManifest {
    uint8_t magic[8];              /* MERCATOR_MAGIC_BYTES */
    uint16_t abi_major;            /* MERCATOR_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor;            /* MERCATOR_ABI_MINOR the plugin was built against */
    uint32_t struct_size;          /* sizeof(MercatorManifest) as the plugin built it */
    const char *plugin_id;         /* e.g. "acme.consignment": [a-z0-9_.-], 3 to 64 chars */
    const char *plugin_version;    /* the plugin's own version, e.g. "1.4.0" */
    const char *sdk_version;       /* the SDK or header version built with, e.g. "0.1.0" or "c-1.1" */
    const char *capabilities_json; /* what it provides; see below */
} MercatorManifest;

/*
 * capabilities_json, e.g.:
 * {"orderTypes":[{"code":"CONSIGNMENT","label":"Consignment order","attributesSchema":{…}}],
 *  "invoiceFormats":[{"code":"CSV","label":"CSV","mediaType":"text/csv","fileExtension":"csv"}],
 *  "promisingCalculators":[{"code":"WORKDAY","label":"Working days","argumentsSchema":{…}}]}
 * Codes are [A-Z0-9_], 2 to 40 characters, and unique across the host's registry.
 */

/* One operation: request bytes in, status out, response written into *response. */
typedef MercatorStatus (*MercatorCallFn)(void *instance, const uint8_t *request,
                                         size_t request_len, MercatorBuffer *response);

/* Host -> plugin: what the host offers the plugin. Read a field only if struct_size covers it. */
typedef struct MercatorHostApi {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    /* since 1.1: write a line to the host's log, tagged with the plugin's id. */
    void (*log)(int32_t level, const uint8_t *message, size_t message_len);
} MercatorHostApi;

/*
 * Plugin -> host: the plugin's function table, returned by init and never freed. An entry may
 * be NULL when the plugin does not provide that operation (the host then reports it as
 * unsupported). `instance` is passed back as the first argument of every call.
 */
typedef struct MercatorPluginApi {
    uint32_t struct_size;
    void *instance;
    void (*free_buffer)(MercatorBuffer buffer);
    /* request {"v":1,"orderType":"…","order":{…}}; OK response {"v":1} */
    MercatorCallFn order_type_validate;
    /* request {"v":1,"orderType":"…","order":{…},"transition":{…}}; OK response {"v":1} */
    MercatorCallFn order_type_transition;
    /* request {"v":1,"format":"…","invoice":{…}}; OK response: the rendered document's bytes */
    MercatorCallFn invoice_render;
    /* request {"v":1,"calculator":"…",…,"lines":[…]}; OK response {"v":1,"lines":[…]} */
    MercatorCallFn promising_calculate;
} MercatorPluginApi;

/* The two exported entry points. init returns NULL on failure and writes a NUL-terminated
 * message of at most error_cap bytes (including the NUL) into error. */
typedef const MercatorManifest *(*MercatorManifestFn)(void);
typedef const MercatorPluginApi *(*MercatorInitFn)(const MercatorHostApi *host,
                                                   const uint8_t *config_json, size_t config_len,
                                                   char *error, size_t error_cap);

#define MERCATOR_MANIFEST_SYMBOL "mercator_plugin_manifest"
#define MERCATOR_INIT_SYMBOL "mercator_plugin_init"

#ifdef __cplusplus
}
#endif

#endif /* MERCATOR_PLUGIN_H */
