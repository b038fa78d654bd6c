using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The app's logs in the test's output: every line a resource writes (Aspire forwards them to the AppHost's
/// logging as category <c>{AppHost}.Resources.{resource}</c>) and the AppHost's own warnings. An app shared
/// by several tests outlives each of them, and Aspire writes from its own threads, so the output is the
/// one each test attaches (<see cref="AttachTo"/>), not whichever test was current when the app started.
/// The last lines of each resource are also kept for failure messages (a start that never gets healthy).
/// </summary>
public sealed class ResourceLogs : ILoggerProvider
{
    private const int KeptLines = 40;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _recent = new();
    private volatile ITestOutputHelper? _output;

    /// <summary>Sends every line from now on to <paramref name="output"/> (the current test's; null: to none).</summary>
    public void AttachTo(ITestOutputHelper? output) => _output = output;

    /// <summary>The last lines <paramref name="resource"/> wrote, oldest first.</summary>
    public IReadOnlyList<string> Recent(string resource) => _recent.TryGetValue(resource, out var lines) ? [.. lines] : [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, ResourceName(categoryName) ?? categoryName, ResourceName(categoryName) is not null);

    public void Dispose() => _output = null;

    /// <summary>
    /// Resource lines at any level, everything else only from Warning up: what a failing test needs
    /// without the AppHost's own chatter.
    /// </summary>
    public static bool Include(string? category, LogLevel level) =>
        category is not null && ResourceName(category) is not null ? level >= LogLevel.Information : level >= LogLevel.Warning;

    private static string? ResourceName(string category) =>
        category.IndexOf(".Resources.", StringComparison.Ordinal) is var at and >= 0 ? category[(at + ".Resources.".Length)..] : null;

    private void Write(string source, bool fromResource, string line)
    {
        if (fromResource)
        {
            var lines = _recent.GetOrAdd(source, _ => new ConcurrentQueue<string>());
            lines.Enqueue(line);
            while (lines.Count > KeptLines && lines.TryDequeue(out _))
            {
            }
        }

        try
        {
            // A resource's line carries its own number and timestamp; the AppHost's own get the time here.
            _output?.WriteLine(fromResource ? $"[{source}] {line}" : $"{DateTime.UtcNow:HH:mm:ss.fff} [{source}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test it was attached to has ended; the next one attaches its own.
        }
    }

    private sealed class Logger(ResourceLogs owner, string source, bool fromResource) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            owner.Write(source, fromResource, exception is null ? line : $"{logLevel}: {line}\n{exception}");
        }
    }
}
