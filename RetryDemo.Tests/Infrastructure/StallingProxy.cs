using System.Net;
using System.Net.Sockets;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of a port that can stall: while stalled it forwards nothing either way, as a
/// store that stopped answering (SIGSTOP) looks to a client whose connection stays up. For a store hosted in the
/// test process, which cannot be sent SIGSTOP.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _target;
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = Flowing();
    private TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StallingProxy(int target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes once, since the last <see cref="Stall"/>, something sent is held instead of forwarded.</summary>
    public Task Holding => Volatile.Read(ref _holding).Task;

    /// <summary>Forwards nothing until <see cref="Resume"/>.</summary>
    public void Stall()
    {
        if (!Volatile.Read(ref _flowing).Task.IsCompleted)
        {
            return; // stalled already: the pumps wait on the one Resume completes
        }

        Volatile.Write(ref _holding, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _flowing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    public void Resume() => Volatile.Read(ref _flowing).TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAsync()
    {
        var pumps = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                }
                catch
                {
                    server.Dispose();
                    client.Dispose();
                    throw;
                }

                pumps.Add(PumpAsync(client, server));
                pumps.Add(PumpAsync(server, client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped (or the target gone): the pumps end with their connections.
        }
        finally
        {
            await Task.WhenAll(pumps);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                var flowing = Volatile.Read(ref _flowing).Task;
                if (!flowing.IsCompleted)
                {
                    Volatile.Read(ref _holding).TrySetResult();
                }

                await flowing.WaitAsync(_stop.Token);
                await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
