"""The supervisor program: started once per executor, it starts each run and reaps all of it.

:data:`SUPERVISOR_SOURCE` runs as ``python -I -S -c SOURCE CONTROL_FD MODE``:

- ``MODE=pid1``: pid 1 of a bubblewrap sandbox's pid namespace. ``kill(-1)`` from there
  reaches every other process of the sandbox and nothing outside. It makes itself not
  dumpable (code of the same uid cannot ptrace it or open its descriptors) and handles no
  signal, so code inside cannot signal it either.
- ``MODE=subreaper``: a local child subreaper (``PR_SET_CHILD_SUBREAPER``): whatever a run
  starts stays its descendant however it detaches (``setsid``, double fork, ``nohup``),
  because orphans are re-parented to it, not to the host's pid 1.

Either way it reaps every process that ends under it, so no zombie is ever left to a pid 1
that does not reap (containers), and runs one request at a time.

Protocol on the control socket (``SOCK_SEQPACKET``, one JSON message per packet):

- supervisor -> host: ``{"ready": true}`` once, then ``{"exit": N}`` after each run
  (``N < 0``: killed by signal ``-N``).
- host -> supervisor: ``{"argv": [...], "cwd": "...", "env": {...}, "cpu": seconds or
  null}`` with the write end of the run's output pipe attached (``SCM_RIGHTS``).

When the run's first process exits, the supervisor kills every other process of the run,
reaps them all, (in a sandbox) empties ``/tmp`` and ``/dev/shm``, and only then reports,
so the next run starts clean but for the work directory. The host trusts nothing it says
beyond the exit code: on timeout, cancellation or doubt it kills from outside.
"""

from __future__ import annotations

__all__ = ["SUPERVISOR_SOURCE"]

SUPERVISOR_SOURCE = r"""
import json, os, signal, socket, stat, sys, time
PID1 = sys.argv[2] == "pid1"
for sig in (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ):
    signal.signal(sig, signal.SIG_DFL)
libc = None
try:
    import ctypes
    libc = ctypes.CDLL(None)
    if PID1:
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
    elif libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError("prctl(PR_SET_CHILD_SUBREAPER) failed")
except Exception as exc:
    if not PID1:
        sys.stderr.write("supervisor: %s\n" % exc)
os.umask(0o022)
control = socket.socket(fileno=int(sys.argv[1]))
ME = os.getpid()
CHILDREN = "/proc/self/task/%d/children" % ME

def children():
    try:
        with open(CHILDREN) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        pass
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if int(data[data.rfind(b")") + 2:].split()[1]) == ME:
                found.append(int(name))
    return found

def kill_all():
    # Reap what ended; kill what lives; until nothing is left under us.
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] != 0:
                pass
        except ChildProcessError:
            return
        if PID1:
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            for pid in children():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.0005)

def empty(directory, keep):
    # Delete what the run left in a tmpfs of the sandbox, never crossing into another
    # file system: the work directory may be mounted inside it (a work dir under /tmp).
    try:
        dev = os.lstat(directory).st_dev
    except OSError:
        return
    stack = [(directory, False)]
    while stack:
        path, listed = stack.pop()
        if listed:
            if path != directory:
                try:
                    os.rmdir(path)
                except OSError:
                    pass  # it holds a mount point
            continue
        try:
            names = os.listdir(path)
        except OSError:
            continue
        stack.append((path, True))
        for name in names:
            child = os.path.join(path, name)
            try:
                st = os.lstat(child)
            except OSError:
                continue
            if st.st_dev != dev or child == keep:
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append((child, False))
            else:
                try:
                    os.unlink(child)
                except OSError:
                    pass

def start(request, out):
    pid = os.fork()
    if pid != 0:
        return pid
    try:
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        for fd in (out, null):
            if fd > 2:
                os.close(fd)
        os.setsid()
        control.close()
        if request.get("cpu"):
            import resource
            resource.setrlimit(resource.RLIMIT_CPU, (request["cpu"], request["cpu"]))
        if PID1:
            if libc is not None:
                libc.prctl(4, 1, 0, 0, 0)  # dumpable again: /proc/self is ours to write
            try:
                with open("/proc/self/oom_score_adj", "w") as f:
                    f.write("1000")  # the memory limit kills the run, not the supervisor
            except OSError:
                pass
        os.chdir(request["cwd"])
        argv = request["argv"]
        os.execvpe(argv[0], argv, request["env"])
    except BaseException as exc:
        try:
            os.write(2, ("Could not start %r: %s\n" % (request["argv"][0], exc)).encode())
        finally:
            os._exit(127)

def run(request, out):
    try:
        pid = start(request, out)
    finally:
        os.close(out)
    status = 0
    while True:
        try:
            done, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        if done == pid:
            break
    kill_all()
    if PID1:
        empty("/tmp", request["cwd"])
        empty("/dev/shm", request["cwd"])
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)

def send(message):
    control.sendmsg([json.dumps(message).encode()], [], socket.MSG_NOSIGNAL)

try:
    send({"ready": True})
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 22, 4)
        if not message:
            break
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            send({"exit": 127})
            continue
        send({"exit": run(json.loads(message), fds[0])})
except (BrokenPipeError, ConnectionError):
    pass
kill_all()
"""
