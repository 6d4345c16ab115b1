/*
 * Companion of parse.sh.
 *   parse_baseline gen <file> <lines> <content-bytes>   writes a Batch API output.jsonl
 *   parse_baseline write <dir> <list>                    the baseline: a plain POSIX loop that
 *                                                        writes the files of <list> ("<size>
 *                                                        <relative path>" lines, the tree parse
 *                                                        wrote) into the fresh <dir> with
 *                                                        mkdir/open/write/close, no fsync, then
 *                                                        one syncfs
 * Prints "<files> files in <seconds> s" for the write mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void custom_id(long i, char *out, size_t size) {
    /* The three custom_id schemes of docs/ARCHITECTURE.md ("custom_id and documents"), in turn. */
    switch (i % 3) {
    case 0: snprintf(out, size, "com.acme.module%ld.Service%ld.method%ld.m3type_%s", i % 50, i % 400, i, (i / 3) % 2 ? "business" : "tech_resume"); break;
    case 1: {
        /* j = seg * 1000 + topic * 500 + process: every (process, topic, seg) once. */
        long j = i / 3;
        snprintf(out, size, "process-%ld/%s/seg-%03ld", j % 500, (j / 500) % 2 ? "business" : "tech", j / 1000 + 1);
        break;
    }
    default: snprintf(out, size, "request-%ld", i); break;
    }
}

static int generate(const char *path, long lines, long content_bytes) {
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    char *content = malloc(content_bytes + 1);
    const char *words = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor. ";
    size_t wl = strlen(words);
    for (long k = 0; k < content_bytes; k++) content[k] = words[k % wl];
    /* A JSON-escaped newline every ~80 characters, as real answers have. */
    for (long k = 79; k + 1 < content_bytes; k += 80) { content[k - 1] = '\\'; content[k] = 'n'; }
    content[content_bytes] = 0;
    char id[256];
    for (long i = 0; i < lines; i++) {
        custom_id(i, id, sizeof id);
        fprintf(f, "{\"id\":\"batch_req_%ld\",\"custom_id\":\"%s\",\"response\":{\"status_code\":200,"
                   "\"request_id\":\"req_%032ld\",\"body\":{\"id\":\"chatcmpl-%ld\",\"object\":\"chat.completion\","
                   "\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                   "\"message\":{\"role\":\"assistant\",\"content\":\"%s\",\"refusal\":null},\"logprobs\":null,"
                   "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":1000,"
                   "\"total_tokens\":1900}}},\"error\":null}\n", i, id, i, i, content);
    }
    free(content);
    return fclose(f) == 0 ? 0 : 1;
}

/* mkdir -p of the parent of `path` (relative to dfd), remembering the last parent made. */
static void make_parents(int dfd, const char *path, char *last) {
    const char *slash = strrchr(path, '/');
    if (!slash) return;
    size_t length = (size_t)(slash - path);
    if (strlen(last) == length && strncmp(last, path, length) == 0) return;
    char partial[4096];
    for (size_t k = 0; k <= length; k++) {
        if (k == length || path[k] == '/') {
            memcpy(partial, path, k);
            partial[k] = 0;
            mkdirat(dfd, partial, 0755);
        }
    }
    memcpy(last, path, length);
    last[length] = 0;
}

static int write_files(const char *dir, const char *list_path) {
    FILE *list = fopen(list_path, "r");
    if (!list) { perror(list_path); return 1; }
    long capacity = 1 << 16, count = 0;
    char **paths = malloc(capacity * sizeof *paths);
    long *sizes = malloc(capacity * sizeof *sizes);
    long largest = 0;
    char line[4200];
    while (fgets(line, sizeof line, list)) {
        char *space = strchr(line, ' ');
        if (!space) continue;
        line[strcspn(line, "\n")] = 0;
        if (count == capacity) {
            capacity *= 2;
            paths = realloc(paths, capacity * sizeof *paths);
            sizes = realloc(sizes, capacity * sizeof *sizes);
        }
        sizes[count] = atol(line);
        if (sizes[count] > largest) largest = sizes[count];
        paths[count++] = strdup(space + 1);
    }
    fclose(list);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) { perror(dir); return 1; }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    char *buffer = malloc(largest + 1);
    memset(buffer, 'x', largest + 1);
    char last[4096] = "";
    double start = now();
    for (long i = 0; i < count; i++) {
        make_parents(dfd, paths[i], last);
        int fd = openat(dfd, paths[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) { perror(paths[i]); return 1; }
        if (write(fd, buffer, sizes[i]) != sizes[i]) { perror(paths[i]); return 1; }
        close(fd);
    }
    syncfs(dfd);
    double elapsed = now() - start;
    printf("%ld files in %.3f s\n", count, elapsed);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "gen") == 0) return generate(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 4 && strcmp(argv[1], "write") == 0) return write_files(argv[2], argv[3]);
    fprintf(stderr, "usage: %s gen <file> <lines> <content-bytes> | write <dir> <list>\n", argv[0]);
    return 2;
}
