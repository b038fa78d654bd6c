using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// The store did not give an answer: down, restarting, paused, slower than its timeout, or refusing the
/// command. Every one is the same to a caller — the outcome is unknown, retry — so none becomes a bare 500.
/// </summary>
public static class StoreFailure
{
    private static readonly Assembly StoreClient = typeof(IConnectionMultiplexer).Assembly;

    // The socket layer under StackExchange.Redis (a dependency of its own).
    private const string StoreClientSockets = "Pipelines.Sockets.Unofficial";

    /// <summary>
    /// A <see cref="RedisException"/> or <see cref="RedisTimeoutException"/>, or what the store client's
    /// connection layer lets through as is when a connection dies under a command: "Reading is not allowed
    /// after reader was completed" after a dead socket, a reset, a disposed connection during a reconnect.
    /// Those exception types are bugs anywhere else, so they count only when thrown inside the store client.
    /// </summary>
    public static bool Is(Exception exception) => exception switch
    {
        // RedisTimeoutException is a TimeoutException, not a RedisException: a slow store is a failure too.
        RedisException or RedisTimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(Is),
        // A disposed client: thrown from the multiplexer's message check, which the JIT may inline into the
        // caller's frame (RedisBase), so any of the client's frames counts.
        ObjectDisposedException => ThrownBy(exception, InStoreClient),
        InvalidOperationException or IOException or SocketException => ThrownBy(exception, InConnectionLayer),
        _ => false,
    };

    /// <summary>
    /// Also a cancellation the caller did not ask for: the store client cancels what is in flight when it
    /// drops a dead connection.
    /// </summary>
    public static bool Is(Exception exception, CancellationToken callerGaveUp) =>
        Is(exception) || exception is OperationCanceledException && !callerGaveUp.IsCancellationRequested;

    // The exception's own frames, with those of every await it came through: one in the client's connection
    // layer. Its connections (PhysicalConnection, PhysicalBridge and their async state machines), the
    // multiplexer that owns them (disposed, no server to send to), and its socket library; not the rest: an
    // InvalidOperationException from reading a RedisResult wrongly is a bug, and stays a 500.
    private static bool ThrownBy(Exception exception, Func<Type, bool> layer) =>
        new StackTrace(exception, fNeedFileInfo: false).GetFrames().Any(frame => frame.GetMethod()?.DeclaringType is { } type && layer(type));

    private static bool InStoreClient(Type type) =>
        type.Assembly == StoreClient || type.Assembly.GetName().Name == StoreClientSockets;

    private static bool InConnectionLayer(Type type) =>
        type.Assembly.GetName().Name == StoreClientSockets
        || type.Assembly == StoreClient && type.FullName is { } name
            && (name.StartsWith("StackExchange.Redis.Physical", StringComparison.Ordinal) || name.StartsWith("StackExchange.Redis.ConnectionMultiplexer", StringComparison.Ordinal));
}
