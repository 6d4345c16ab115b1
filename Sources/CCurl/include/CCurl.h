#ifndef CCURL_H
#define CCURL_H

// The only includer of <curl/curl.h>. libcurl is not linked: it is loaded with dlopen on first use,
// so commands that never touch the network (and an idle server) do not map libcurl and the ~30
// libraries it pulls in (TLS, Kerberos, LDAP …), about 5.6 MB of resident memory. Swift calls the
// ccurl_* functions below, never curl_* directly.

#include <curl/curl.h>
#include <stdint.h>

/// Loads libcurl (libcurl.so.4) and runs curl_global_init(CURL_GLOBAL_ALL), once per process.
/// Returns CURLE_OK, or CURLE_FAILED_INIT when the library cannot be loaded (see ccurl_load_error).
CURLcode ccurl_global_init(void);
/// Why loading libcurl failed (dlerror's text), or NULL.
const char *ccurl_load_error(void);

// Easy interface. Typed, non-variadic wrappers: Swift cannot call curl's variadic setopt/getinfo.
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *handle);
void ccurl_easy_reset(CURL *handle);
CURLcode ccurl_easy_perform(CURL *handle);
CURLcode ccurl_easy_pause(CURL *handle, int bitmask);
const char *ccurl_easy_strerror(CURLcode code);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, int64_t value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_easy_setopt_mime(CURL *handle, curl_mime *mime);

typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *context);
typedef int (*ccurl_progress_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
typedef int (*ccurl_seek_callback)(void *context, curl_off_t offset, int origin);

/// For CURLOPT_WRITEFUNCTION, CURLOPT_READFUNCTION and CURLOPT_HEADERFUNCTION.
CURLcode ccurl_easy_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);
/// CURLOPT_XFERINFOFUNCTION (also sets CURLOPT_NOPROGRESS to 0).
CURLcode ccurl_easy_setopt_progress_callback(CURL *handle, ccurl_progress_callback callback);
CURLcode ccurl_easy_setopt_seek_callback(CURL *handle, ccurl_seek_callback callback);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, int64_t *value);
CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

// Header lists.
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *value);
void ccurl_slist_free_all(struct curl_slist *list);

// MIME (multipart uploads streamed from a file).
curl_mime *ccurl_mime_init(CURL *handle);
void ccurl_mime_free(curl_mime *mime);
curl_mimepart *ccurl_mime_addpart(curl_mime *mime);
CURLcode ccurl_mime_name(curl_mimepart *part, const char *name);
CURLcode ccurl_mime_filename(curl_mimepart *part, const char *filename);
CURLcode ccurl_mime_filedata(curl_mimepart *part, const char *path);
CURLcode ccurl_mime_data(curl_mimepart *part, const char *data, size_t size);
CURLcode ccurl_mime_type(curl_mimepart *part, const char *type);

// Multi interface.
CURLM *ccurl_multi_init(void);
CURLMcode ccurl_multi_cleanup(CURLM *multi);
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode ccurl_multi_perform(CURLM *multi, int *running);
CURLMcode ccurl_multi_poll(CURLM *multi, int timeout_ms, int *numfds);
CURLMcode ccurl_multi_wakeup(CURLM *multi);
CURLMsg *ccurl_multi_info_read(CURLM *multi, int *queued);
const char *ccurl_multi_strerror(CURLMcode code);
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Fields of a CURLMsg, so Swift need not read its union.
CURL *ccurl_msg_easy_handle(const CURLMsg *message);
int ccurl_msg_is_done(const CURLMsg *message);
CURLcode ccurl_msg_result(const CURLMsg *message);

/// The libcurl version string ("8.x.y"), or NULL when the library cannot be loaded.
const char *ccurl_version(void);

#endif
