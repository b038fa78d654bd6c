using System.IO.Pipelines;
using System.Net.Sockets;
using Pipelines.Sockets.Unofficial;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Store;

// xUnit1051 would pick Is(exception, callerGaveUp): that token is the caller's own, not a wait to cancel.
#pragma warning disable xUnit1051
[Trait("Category", "Unit")]
public class StoreFailureTests
{
    [Fact]
    public void Is_StoreTimeout_IsAStoreFailure() =>
        // Not a RedisException: without this, a store slower than its 1 s timeout answered a bare 500.
        Assert.True(StoreFailure.Is(new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent)));

    [Fact]
    public void Is_ConnectionFailure_IsAStoreFailure() =>
        Assert.True(StoreFailure.Is(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down")));

    [Fact]
    public void Is_OtherException_IsNot() =>
        Assert.False(StoreFailure.Is(new InvalidOperationException()));

    [Fact]
    public void Is_ReaderCompletedInTheStoreClientsSocketLayer_IsAStoreFailure()
    {
        // What a paused store caused: after "Dead socket detected" the client completes the connection's reader
        // while its read loop still reads, and the caller's command gets this exception as is (then a 500).
        // Here the same reader of the client's socket library throws it: over a socket never connected, so
        // nothing is sent or listened on.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var connection = SocketConnection.Create(socket);
        connection.Input.Complete();

        var readerCompleted = Assert.Throws<InvalidOperationException>(() => connection.Input.AdvanceTo(default, default));

        Assert.Contains("reader was completed", readerCompleted.Message, StringComparison.Ordinal);
        Assert.True(StoreFailure.Is(readerCompleted));
    }

    [Fact]
    public async Task Is_ReaderCompletedInTheStoreClient_SeenThroughAnAwait_IsAStoreFailure()
    {
        // As HelloService meets it: rethrown by the await of a store call, with the client's frames kept.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var connection = SocketConnection.Create(socket);
        connection.Input.Complete();

        var rethrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await Task.Yield();
            connection.Input.AdvanceTo(default, default);
        });

        Assert.True(StoreFailure.Is(rethrown));
    }

    [Fact]
    public void Is_ReaderCompletedOutsideTheStoreClient_IsNot()
    {
        // The same exception from a pipe of HelloService's own is a bug, and stays one.
        var pipe = new Pipe();
        pipe.Reader.Complete();

        var readerCompleted = Assert.Throws<InvalidOperationException>(() => pipe.Reader.AdvanceTo(default, default));

        Assert.False(StoreFailure.Is(readerCompleted));
    }

    [Fact]
    public async Task Is_CommandOnADisposedStoreClient_IsAStoreFailure()
    {
        // CI met this one with only RedisBase.ExecuteAsync in its trace: optimized code had inlined the
        // multiplexer's frame away, and the rule that looked for the multiplexer answered a bare 500. Here the frame
        // stays (unoptimized code), so this test passed under that rule too: it pins that a disposed client is a
        // store failure, and the rule now takes any frame of the client's. Nothing listens on port 1.
        var client = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { "127.0.0.1:1" }, AbortOnConnectFail = false, ConnectTimeout = 100 });
        await client.DisposeAsync();

        var disposed = await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetDatabase().StringGetAsync("k"));

        Assert.True(StoreFailure.Is(disposed));
    }

    [Fact]
    public void Is_DisposedOutsideTheStoreClient_IsNot()
    {
        var stream = new MemoryStream();
        stream.Dispose();

        Assert.False(StoreFailure.Is(Assert.Throws<ObjectDisposedException>(() => stream.ReadByte())));
    }

    [Fact]
    public void Is_ResultMisreadInsideTheStoreClient_IsNot()
    {
        // Thrown by StackExchange.Redis, but by its result types, not its connections: reading a value as an
        // array is a bug of the caller's.
        var misread = Assert.Throws<InvalidOperationException>(() => RedisResult.Create((RedisValue)"1")[0]);

        Assert.False(StoreFailure.Is(misread));
    }

    [Fact]
    public void Is_AggregateOfStoreFailures_IsAStoreFailure_MixedWithABug_IsNot()
    {
        var down = new RedisConnectionException(ConnectionFailureType.SocketFailure, "reset");

        Assert.True(StoreFailure.Is(new AggregateException(down, new RedisTimeoutException("slow", CommandStatus.Sent))));
        Assert.False(StoreFailure.Is(new AggregateException(down, new NullReferenceException())));
    }

    [Fact]
    public void Is_CancellationTheCallerDidNotAskFor_IsAStoreFailure_OneItAskedFor_IsNot()
    {
        using var gaveUp = new CancellationTokenSource();
        gaveUp.Cancel();

        Assert.True(StoreFailure.Is(new TaskCanceledException(), CancellationToken.None));
        Assert.False(StoreFailure.Is(new TaskCanceledException(), gaveUp.Token));
    }
}
