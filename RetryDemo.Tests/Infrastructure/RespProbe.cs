using System.Net.Sockets;
using System.Text;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// Commands to a Redis-protocol port over a plain socket, as anyone who reaches the port can send them: no
/// client library to authenticate first, retry or hide a refusal. Each command's reply is one line here
/// (+OK, +PONG, -NOAUTH …), which is all the tests ask.
/// </summary>
public static class RespProbe
{
    /// <returns>The first line of each command's reply, in order.</returns>
    public static Task<string[]> SendAsync(string host, int port, params string[][] commands) =>
        Limit.WithinAsync(TimeSpan.FromSeconds(30), $"{host}:{port} did not answer {commands.Length} command(s)", async ct =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, ct);
            await using var stream = client.GetStream();
            var request = new StringBuilder();
            foreach (var command in commands)
            {
                request.Append('*').Append(command.Length).Append("\r\n");
                foreach (var part in command)
                {
                    request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
                }
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var replies = new string[commands.Length];
            for (var i = 0; i < replies.Length; i++)
            {
                replies[i] = await reader.ReadLineAsync(ct) ?? throw new IOException($"{host}:{port} closed the connection after {i} replies.");
            }

            return replies;
        });
}
