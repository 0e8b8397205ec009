// The bridge between libFuzzer and a .NET fuzz target that calls SharpFuzz's Fuzzer.LibFuzzer.Run.
//
// libFuzzer runs in this process and calls LLVMFuzzerTestOneInput for every input. The managed target runs as a child
// process, started once, and loops inside Fuzzer.LibFuzzer.Run. The two talk through:
//   - one System V shared-memory segment: the first MAP_SIZE bytes are the edge-coverage map the instrumented assemblies
//     write (SharpFuzz's Trace.SharedMem), the rest holds the current input;
//   - a control pipe (parent writes): a 32-bit little-endian input length, meaning "run the input now in shared memory";
//   - a status pipe (child writes): a 32-bit status, 0 once at start-up (ready), then per input 0 (ran) or non-zero (an
//     exception escaped the target: a crash).
// The child finds these through the environment: __LIBFUZZER_SHM_ID (the shmget id), __LIBFUZZER_CONTROL_PIPE_ID and
// __LIBFUZZER_STATUS_PIPE_ID (the pipe ends' file descriptor numbers, which it opens as anonymous pipe handles).
//
// Coverage: after each input the map is copied into an array in the __libfuzzer_extra_counters section, which libFuzzer
// reads as extra 8-bit counters next to its own (this file's code is not instrumented, so those are the only ones).
//
// Usage: libfuzzer-dotnet --target_path=PATH [--target_arg=ARG] [libFuzzer flags] [corpus dirs]
//   PATH is the target executable (for example the apphost of the fuzz project); ARG is passed to it as its only argument.
//   The two flags are removed before libFuzzer parses the rest. The environment variables LIBFUZZER_DOTNET_TARGET and
//   LIBFUZZER_DOTNET_TARGET_ARG may be used instead (libFuzzer's -fork and -jobs modes re-run this binary with the flags).

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAP_SIZE (1u << 16)
#define MAX_INPUT (1u << 20)

__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t s_counters[MAP_SIZE];

static int s_shm_id = -1;
static uint8_t *s_shm;
static int s_control_fd = -1;
static int s_status_fd = -1;
static pid_t s_child = -1;

static void fail(const char *what)
{
    fprintf(stderr, "libfuzzer-dotnet: %s: %s\n", what, errno != 0 ? strerror(errno) : "failed");
    exit(1);
}

static void remove_shm(void)
{
    if (s_shm_id >= 0)
    {
        shmctl(s_shm_id, IPC_RMID, NULL);
    }

    if (s_child > 0)
    {
        kill(s_child, SIGKILL);
    }
}

// Reads or writes exactly n bytes; 0 on success, -1 when the other end is gone.
static int read_all(int fd, void *buffer, size_t n)
{
    uint8_t *at = buffer;
    while (n > 0)
    {
        ssize_t got = read(fd, at, n);
        if (got < 0 && errno == EINTR)
        {
            continue;
        }

        if (got <= 0)
        {
            return -1;
        }

        at += got;
        n -= (size_t)got;
    }

    return 0;
}

static int write_all(int fd, const void *buffer, size_t n)
{
    const uint8_t *at = buffer;
    while (n > 0)
    {
        ssize_t put = write(fd, at, n);
        if (put < 0 && errno == EINTR)
        {
            continue;
        }

        if (put <= 0)
        {
            return -1;
        }

        at += put;
        n -= (size_t)put;
    }

    return 0;
}

// Takes "--name=value" out of argv, so libFuzzer never sees it; returns the value or NULL.
static const char *take_flag(int *argc, char ***argv, const char *name)
{
    size_t length = strlen(name);
    for (int i = 1; i < *argc; i++)
    {
        char *arg = (*argv)[i];
        if (strncmp(arg, name, length) == 0 && arg[length] == '=')
        {
            for (int j = i; j < *argc - 1; j++)
            {
                (*argv)[j] = (*argv)[j + 1];
            }

            (*argc)--;
            (*argv)[*argc] = NULL;
            return arg + length + 1;
        }
    }

    return NULL;
}

static void child_died(const char *when)
{
    int status = 0;
    if (s_child > 0 && waitpid(s_child, &status, 0) == s_child)
    {
        if (WIFSIGNALED(status))
        {
            fprintf(stderr, "libfuzzer-dotnet: the .NET target was killed by signal %d %s\n", WTERMSIG(status), when);
        }
        else
        {
            fprintf(stderr, "libfuzzer-dotnet: the .NET target exited with code %d %s\n", WEXITSTATUS(status), when);
        }
    }
    else
    {
        fprintf(stderr, "libfuzzer-dotnet: lost the .NET target %s\n", when);
    }

    s_child = -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *target = take_flag(argc, argv, "--target_path");
    const char *target_arg = take_flag(argc, argv, "--target_arg");
    if (target == NULL)
    {
        target = getenv("LIBFUZZER_DOTNET_TARGET");
    }

    if (target_arg == NULL)
    {
        target_arg = getenv("LIBFUZZER_DOTNET_TARGET_ARG");
    }

    if (target == NULL)
    {
        fprintf(stderr, "libfuzzer-dotnet: give the .NET target as --target_path=PATH (and --target_arg=ARG)\n");
        exit(1);
    }

    // Later processes of -fork/-jobs and the child itself find the target here.
    setenv("LIBFUZZER_DOTNET_TARGET", target, 1);
    if (target_arg != NULL)
    {
        setenv("LIBFUZZER_DOTNET_TARGET_ARG", target_arg, 1);
    }

    s_shm_id = shmget(IPC_PRIVATE, MAP_SIZE + MAX_INPUT, IPC_CREAT | IPC_EXCL | 0600);
    if (s_shm_id < 0)
    {
        fail("shmget");
    }

    atexit(remove_shm);
    s_shm = shmat(s_shm_id, NULL, 0);
    if (s_shm == (void *)-1)
    {
        fail("shmat");
    }

    int control[2], status[2];
    if (pipe(control) != 0 || pipe(status) != 0)
    {
        fail("pipe");
    }

    char shm_text[32], control_text[32], status_text[32];
    snprintf(shm_text, sizeof shm_text, "%d", s_shm_id);
    snprintf(control_text, sizeof control_text, "%d", control[0]);
    snprintf(status_text, sizeof status_text, "%d", status[1]);

    s_child = fork();
    if (s_child < 0)
    {
        fail("fork");
    }

    if (s_child == 0)
    {
        // The target dies with this process (a libFuzzer timeout or crash exit must not leave it spinning).
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(control[1]);
        close(status[0]);
        setenv("__LIBFUZZER_SHM_ID", shm_text, 1);
        setenv("__LIBFUZZER_CONTROL_PIPE_ID", control_text, 1);
        setenv("__LIBFUZZER_STATUS_PIPE_ID", status_text, 1);
        char *child_argv[] = { (char *)target, (char *)target_arg, NULL };
        execv(target, child_argv);
        fprintf(stderr, "libfuzzer-dotnet: cannot start %s: %s\n", target, strerror(errno));
        _exit(127);
    }

    close(control[0]);
    close(status[1]);
    s_control_fd = control[1];
    s_status_fd = status[0];

    // A write to a target that died must be reported, not kill this process silently.
    signal(SIGPIPE, SIG_IGN);

    int32_t ready = -1;
    if (read_all(s_status_fd, &ready, sizeof ready) != 0 || ready != 0)
    {
        child_died("before it was ready (is it calling Fuzzer.LibFuzzer.Run?)");
        exit(1);
    }

    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
    {
        // Longer inputs are never produced with the default -max_len; ignore rather than truncate (it would mislead).
        return -1;
    }

    memset(s_shm, 0, MAP_SIZE);
    memcpy(s_shm + MAP_SIZE, data, size);

    int32_t length = (int32_t)size;
    int32_t status = -1;
    if (write_all(s_control_fd, &length, sizeof length) != 0 || read_all(s_status_fd, &status, sizeof status) != 0)
    {
        child_died("while running this input");
        abort();
    }

    if (status != 0)
    {
        // The target printed the exception; libFuzzer writes the input to crash-<sha1> on abort.
        fprintf(stderr, "libfuzzer-dotnet: an exception escaped the .NET target (status %d)\n", status);
        abort();
    }

    memcpy(s_counters, s_shm, MAP_SIZE);
    return 0;
}
