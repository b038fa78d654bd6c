using System.Diagnostics;
using System.Globalization;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// Signals for a resource's whole process tree (DCP starts a project under <c>dotnet run</c>, so the service
/// is a child of the process it reports): a crash (SIGKILL), a stall (SIGSTOP) and its end (SIGCONT). Linux only,
/// as the tests that use it: it reads parents from /proc.
/// </summary>
public static class ProcessTree
{
    public static IReadOnlyList<int> Of(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryReadParent(dir) is { } parent)
            {
                parents[pid] = parent;
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    public static Task KillAsync(int root) => SignalAsync("KILL", Of(root));

    public static Task StopAsync(IReadOnlyList<int> tree) => SignalAsync("STOP", tree);

    public static Task ContinueAsync(IReadOnlyList<int> tree) => SignalAsync("CONT", tree);

    private static async Task SignalAsync(string signal, IReadOnlyList<int> pids)
    {
        using var kill = Process.Start("kill", [$"-{signal}", .. pids.Select(p => p.ToString(CultureInfo.InvariantCulture))]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces or parentheses, so read after the last ')'.
    private static int? TryReadParent(string dir)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // The process ended while being read.
        }
    }
}
