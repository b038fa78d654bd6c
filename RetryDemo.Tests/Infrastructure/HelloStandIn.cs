using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// A stand-in for HelloService on real Kestrel that answers as told and records every request's
/// headers: for what ClientService sends (or must not send), which the real HelloService can't reveal.
/// </summary>
public sealed class HelloStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HelloStandIn(WebApplication app) => _app = app;

    public ConcurrentQueue<IHeaderDictionary> Requests { get; } = new();

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    public static async Task<HelloStandIn> StartAsync(RequestDelegate answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new HelloStandIn(app);
        app.Run(context =>
        {
            standIn.Requests.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)));
            return answer(context);
        });
        await app.StartAsync();
        return standIn;
    }

    /// <summary>Answers as HelloService does to a plain GET /hello.</summary>
    public static Task Hello(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new { message = "Hello, World!", instance = "stand-in" });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
