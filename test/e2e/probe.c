/* probe: a static helper for the end-to-end tests. It runs inside containers and under
 * seccomp filters, so it makes exactly the syscall it is asked for and prints a result that
 * a shell test can compare as a string.
 *
 *   probe NR [ARG...]        raw syscall NR with up to 6 64-bit arguments (decimal or 0x hex)
 *   probe int80 NR [ARG...]  the same through the i386 `int $0x80` gate (x86_64 only)
 *   probe threads            start one pthread through glibc (clone3 or clone) and join it
 *   probe thread NR [ARG...] the raw syscall NR made by a second thread, which the main
 *                            thread joins: `thread killed` when that thread died inside it
 *                            (SECCOMP_RET_KILL_THREAD), else the thread's result
 *
 * Output is exactly one line: `ok <retval>` or `errno <NAME>` (for example `errno EPERM`).
 * Exit status: 0 when a result was printed, 2 on a usage error, 3 when threads failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MAX_ARGS = 6 };

static int usage(void) {
  fputs("usage: probe NR [ARG...] | probe int80 NR [ARG...] | probe threads | probe thread NR [ARG...]\n", stderr);
  return 2;
}

/* Parses a decimal or 0x-prefixed number into 64 bits; "-1" wraps to all ones. */
static int parse_u64(const char *text, unsigned long long *out) {
  char *end = NULL;
  errno = 0;
  *out = strtoull(text, &end, 0);
  return errno == 0 && end != text && *end == '\0' ? 0 : -1;
}

/* Parses NR and up to MAX_ARGS arguments; unused arguments are zero. */
static int parse_call(int argc, char **argv, long *nr, unsigned long long args[MAX_ARGS]) {
  unsigned long long value = 0;
  if (argc < 1 || argc > 1 + MAX_ARGS || parse_u64(argv[0], &value) != 0) return -1;
  *nr = (long)value;
  memset(args, 0, MAX_ARGS * sizeof args[0]);
  for (int i = 1; i < argc; i++)
    if (parse_u64(argv[i], &args[i - 1]) != 0) return -1;
  return 0;
}

/* Prints the one result line. `ret` follows the kernel convention: -4095..-1 is an errno. */
static int report(long ret) {
  if (ret < 0 && ret >= -4095) {
    const char *name = strerrorname_np((int)-ret);
    if (name != NULL)
      printf("errno %s\n", name);
    else
      printf("errno %ld\n", -ret);
  } else {
    printf("ok %ld\n", ret);
  }
  return fflush(stdout) == 0 ? 0 : 1;
}

static int run_native(int argc, char **argv) {
  long nr = 0;
  unsigned long long a[MAX_ARGS];
  if (parse_call(argc, argv, &nr, a) != 0) return usage();
  long ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  return report(ret == -1 ? -(long)errno : ret);
}

#if defined(__x86_64__)
/* The i386 gate truncates every register to 32 bits, so the arguments are passed as such.
 * ebp (argument 6) cannot be named as an operand: it is saved around the call instead, below
 * a 128-byte gap so the push does not overwrite this function's red zone. */
static long int80(long nr, const unsigned long long a[MAX_ARGS]) {
  unsigned int eax = (unsigned int)nr;
  unsigned int a6 = (unsigned int)a[5];
  __asm__ volatile("sub $128, %%rsp\n\t"
                   "push %%rbp\n\t"
                   "mov %[a6], %%ebp\n\t"
                   "int $0x80\n\t"
                   "pop %%rbp\n\t"
                   "add $128, %%rsp"
                   : "+a"(eax)
                   : "b"((unsigned int)a[0]), "c"((unsigned int)a[1]), "d"((unsigned int)a[2]),
                     "S"((unsigned int)a[3]), "D"((unsigned int)a[4]), [a6] "r"(a6)
                   : "r8", "r9", "r10", "r11", "memory", "cc");
  return (long)(int)eax; /* the compat ABI returns a 32-bit value; -errno sign-extends */
}

static int run_int80(int argc, char **argv) {
  long nr = 0;
  unsigned long long a[MAX_ARGS];
  if (parse_call(argc, argv, &nr, a) != 0) return usage();
  return report(int80(nr, a));
}
#else
static int run_int80(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("probe: int80 exists only on x86_64\n", stderr);
  return 2;
}
#endif

static void *thread_body(void *arg) { return arg; }

struct thread_call {
  long nr;
  unsigned long long args[MAX_ARGS];
  long ret;
  int done;
};

static void *thread_call_body(void *arg) {
  struct thread_call *c = arg;
  long ret = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4], c->args[5]);
  c->ret = ret == -1 ? -(long)errno : ret;
  c->done = 1;
  return NULL;
}

/* The main thread survives a syscall that kills only the calling thread. */
static int run_in_thread(int argc, char **argv) {
  struct thread_call c = {0};
  pthread_t thread;
  if (parse_call(argc, argv, &c.nr, c.args) != 0) return usage();
  if (pthread_create(&thread, NULL, thread_call_body, &c) != 0 || pthread_join(thread, NULL) != 0) {
    puts("error thread");
    return 3;
  }
  if (!c.done) {
    puts("thread killed");
    return fflush(stdout) == 0 ? 0 : 1;
  }
  return report(c.ret);
}

/* glibc 2.34+ starts threads with clone3 and falls back to clone only on ENOSYS, which is
 * what a profile must answer for clone3 if threads are to work. */
static int run_threads(void) {
  pthread_t thread;
  int marker = 0;
  void *result = NULL;
  int rc = pthread_create(&thread, NULL, thread_body, &marker);
  if (rc != 0) {
    const char *name = strerrorname_np(rc);
    printf("errno %s\n", name != NULL ? name : "?");
    return 3;
  }
  if (pthread_join(thread, &result) != 0 || result != &marker) {
    puts("error join");
    return 3;
  }
  puts("ok");
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  if (strcmp(argv[1], "threads") == 0) return argc == 2 ? run_threads() : usage();
  if (strcmp(argv[1], "int80") == 0) return run_int80(argc - 2, argv + 2);
  if (strcmp(argv[1], "thread") == 0) return run_in_thread(argc - 2, argv + 2);
  return run_native(argc - 1, argv + 1);
}
