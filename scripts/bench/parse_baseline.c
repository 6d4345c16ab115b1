/*
 * Companion of parse.sh.
 *   parse_baseline gen <file> <lines> <content-bytes>   writes a Batch API output.jsonl
 *   parse_baseline write <dir> <files> <bytes>           the baseline: a plain POSIX loop that
 *                                                        writes <files> files (open/write/close,
 *                                                        no fsync) into <dir>, then one syncfs
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
    /* The three custom_id schemes of DESIGN.md §7, in turn. */
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

static int write_files(const char *dir, long files, long bytes) {
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) { perror(dir); return 1; }
    char *buffer = malloc(bytes);
    memset(buffer, 'x', bytes);
    char path[4096];
    double start = now();
    for (long i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/document-%06ld.md", dir, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) { perror(path); return 1; }
        if (write(fd, buffer, bytes) != bytes) { perror(path); return 1; }
        close(fd);
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    syncfs(dfd);
    close(dfd);
    double elapsed = now() - start;
    printf("%ld files in %.3f s\n", files, elapsed);
    free(buffer);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "gen") == 0) return generate(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 5 && strcmp(argv[1], "write") == 0) return write_files(argv[2], atol(argv[3]), atol(argv[4]));
    fprintf(stderr, "usage: %s gen <file> <lines> <content-bytes> | write <dir> <files> <bytes>\n", argv[0]);
    return 2;
}
