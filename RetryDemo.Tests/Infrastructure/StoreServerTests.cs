using System.Net;
using System.Net.Sockets;

namespace RetryDemo.Tests.Infrastructure;

[Trait("Category", "Component")]
public sealed class StoreServerTests
{
    /// <summary>The failure a start on a port someone took is recognised as such, so a start on a free port can try another.</summary>
    [Fact]
    public async Task StartAsync_PortTakenMeanwhile_FailsWithWhatIsPortTakenRecognises()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();

        var failure = await Record.ExceptionAsync(() => StoreServer.StartAsync(port: ((IPEndPoint)taken.LocalEndpoint).Port));

        Assert.NotNull(failure);
        Assert.True(StoreServer.IsPortTaken(failure), failure.ToString());
    }
}
