#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stddef.h>

// Every libcurl entry point the wrappers use, resolved once by ccurl_load.
#define CCURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_perform) \
    X(curl_easy_pause) X(curl_easy_strerror) X(curl_easy_setopt) X(curl_easy_getinfo) \
    X(curl_slist_append) X(curl_slist_free_all) \
    X(curl_mime_init) X(curl_mime_free) X(curl_mime_addpart) X(curl_mime_name) X(curl_mime_filename) \
    X(curl_mime_filedata) X(curl_mime_data) X(curl_mime_type) \
    X(curl_multi_init) X(curl_multi_cleanup) X(curl_multi_add_handle) X(curl_multi_remove_handle) \
    X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_wakeup) X(curl_multi_info_read) \
    X(curl_multi_strerror) X(curl_multi_setopt) X(curl_version)

#define CCURL_DECLARE(name) static __typeof__(&name) p_##name;
CCURL_FUNCTIONS(CCURL_DECLARE)

static pthread_once_t ccurl_once = PTHREAD_ONCE_INIT;
static CURLcode ccurl_init_result = CURLE_FAILED_INIT;
static const char *ccurl_error = NULL;
static char ccurl_error_buffer[512];

static void ccurl_load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(ccurl_error_buffer, sizeof ccurl_error_buffer,
                 "cannot load libcurl (install libcurl4 or libcurl4-openssl-dev): %s", reason ? reason : "unknown error");
        ccurl_error = ccurl_error_buffer;
        return;
    }
#define CCURL_RESOLVE(name) \
    p_##name = (__typeof__(&name))dlsym(library, #name); \
    if (p_##name == NULL) { \
        snprintf(ccurl_error_buffer, sizeof ccurl_error_buffer, "libcurl lacks %s (too old?)", #name); \
        ccurl_error = ccurl_error_buffer; \
        return; \
    }
    CCURL_FUNCTIONS(CCURL_RESOLVE)
    ccurl_init_result = p_curl_global_init(CURL_GLOBAL_ALL);
    if (ccurl_init_result != CURLE_OK) ccurl_error = "curl_global_init failed";
}

CURLcode ccurl_global_init(void) {
    pthread_once(&ccurl_once, ccurl_load);
    return ccurl_init_result;
}

const char *ccurl_load_error(void) {
    pthread_once(&ccurl_once, ccurl_load);
    return ccurl_error;
}

// The wrappers below assume ccurl_global_init() returned CURLE_OK; callers check it before making a handle,
// and every other call takes a handle. The ones that make handles check again, so misuse returns NULL.
#define CCURL_READY (ccurl_global_init() == CURLE_OK)

CURL *ccurl_easy_init(void) { return CCURL_READY ? p_curl_easy_init() : NULL; }
void ccurl_easy_cleanup(CURL *handle) { if (handle) p_curl_easy_cleanup(handle); }
void ccurl_easy_reset(CURL *handle) { p_curl_easy_reset(handle); }
CURLcode ccurl_easy_perform(CURL *handle) { return p_curl_easy_perform(handle); }
CURLcode ccurl_easy_pause(CURL *handle, int bitmask) { return p_curl_easy_pause(handle, bitmask); }
const char *ccurl_easy_strerror(CURLcode code) { return CCURL_READY ? p_curl_easy_strerror(code) : "libcurl is not loaded"; }

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) { return p_curl_easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) { return p_curl_easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) { return p_curl_easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, int64_t value) { return p_curl_easy_setopt(handle, option, (curl_off_t)value); }
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) { return p_curl_easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_mime(CURL *handle, curl_mime *mime) { return p_curl_easy_setopt(handle, CURLOPT_MIMEPOST, mime); }

CURLcode ccurl_easy_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback) { return p_curl_easy_setopt(handle, option, callback); }
CURLcode ccurl_easy_setopt_progress_callback(CURL *handle, ccurl_progress_callback callback) {
    CURLcode code = p_curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
    return code == CURLE_OK ? p_curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L) : code;
}
CURLcode ccurl_easy_setopt_seek_callback(CURL *handle, ccurl_seek_callback callback) { return p_curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback); }

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) { return p_curl_easy_getinfo(handle, info, value); }
CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, int64_t *value) {
    curl_off_t result = 0;
    CURLcode code = p_curl_easy_getinfo(handle, info, &result);
    *value = (int64_t)result;
    return code;
}
CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) { return p_curl_easy_getinfo(handle, info, value); }
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) { return p_curl_easy_getinfo(handle, info, value); }
CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) { return p_curl_easy_getinfo(handle, info, value); }

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *value) { return CCURL_READY ? p_curl_slist_append(list, value) : NULL; }
void ccurl_slist_free_all(struct curl_slist *list) { if (list) p_curl_slist_free_all(list); }

curl_mime *ccurl_mime_init(CURL *handle) { return p_curl_mime_init(handle); }
void ccurl_mime_free(curl_mime *mime) { if (mime) p_curl_mime_free(mime); }
curl_mimepart *ccurl_mime_addpart(curl_mime *mime) { return p_curl_mime_addpart(mime); }
CURLcode ccurl_mime_name(curl_mimepart *part, const char *name) { return p_curl_mime_name(part, name); }
CURLcode ccurl_mime_filename(curl_mimepart *part, const char *filename) { return p_curl_mime_filename(part, filename); }
CURLcode ccurl_mime_filedata(curl_mimepart *part, const char *path) { return p_curl_mime_filedata(part, path); }
CURLcode ccurl_mime_data(curl_mimepart *part, const char *data, size_t size) { return p_curl_mime_data(part, data, size); }
CURLcode ccurl_mime_type(curl_mimepart *part, const char *type) { return p_curl_mime_type(part, type); }

CURLM *ccurl_multi_init(void) { return CCURL_READY ? p_curl_multi_init() : NULL; }
CURLMcode ccurl_multi_cleanup(CURLM *multi) { return multi ? p_curl_multi_cleanup(multi) : CURLM_OK; }
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *handle) { return p_curl_multi_add_handle(multi, handle); }
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *handle) { return p_curl_multi_remove_handle(multi, handle); }
CURLMcode ccurl_multi_perform(CURLM *multi, int *running) { return p_curl_multi_perform(multi, running); }
CURLMcode ccurl_multi_poll(CURLM *multi, int timeout_ms, int *numfds) { return p_curl_multi_poll(multi, NULL, 0, timeout_ms, numfds); }
CURLMcode ccurl_multi_wakeup(CURLM *multi) { return p_curl_multi_wakeup(multi); }
CURLMsg *ccurl_multi_info_read(CURLM *multi, int *queued) { return p_curl_multi_info_read(multi, queued); }
const char *ccurl_multi_strerror(CURLMcode code) { return CCURL_READY ? p_curl_multi_strerror(code) : "libcurl is not loaded"; }
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) { return p_curl_multi_setopt(multi, option, value); }

CURL *ccurl_msg_easy_handle(const CURLMsg *message) { return message->easy_handle; }
int ccurl_msg_is_done(const CURLMsg *message) { return message->msg == CURLMSG_DONE; }
CURLcode ccurl_msg_result(const CURLMsg *message) { return message->data.result; }

const char *ccurl_version(void) { return CCURL_READY ? p_curl_version() : NULL; }
