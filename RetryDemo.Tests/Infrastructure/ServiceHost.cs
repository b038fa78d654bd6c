using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// One service on real Kestrel at a loopback port, configured with the keys Aspire would inject.
/// <typeparamref name="TMarker"/> is any public type of the service's assembly (both define a global Program).
/// </summary>
public sealed class ServiceHost<TMarker> : WebApplicationFactory<TMarker> where TMarker : class
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly string _environment;
    private readonly IConfigurationSource? _reloadable;

    /// <param name="reloadable">A configuration source added last, for tests that change configuration while the service runs.</param>
    public ServiceHost(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null, string environment = "Development",
        IConfigurationSource? reloadable = null)
    {
        _settings = settings;
        _reloadable = reloadable;
        _configureServices = configureServices;
        _environment = environment;
        // Kestrel without a fixed port: the "urls" setting below picks a free loopback port. (UseKestrel(0)
        // rewrites the addresses after the host starts, which races with minimal-hosting startup.)
        UseKestrel();
        // Started off the test framework's synchronization context: StartServer blocks while the app
        // starts, and must not wait on a context whose few threads are the ones blocked.
        Task.Run(StartServer).GetAwaiter().GetResult();
    }

    /// <summary>The address Kestrel bound, e.g. http://127.0.0.1:41234.</summary>
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    /// <summary>A plain client, no resilience: tests must see what the service really answers.</summary>
    public HttpClient CreatePlainClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("urls", "http://127.0.0.1:0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_reloadable is not null)
        {
            builder.ConfigureAppConfiguration((_, configuration) => configuration.Add(_reloadable));
        }

        if (_configureServices is not null)
        {
            builder.ConfigureServices(_configureServices);
        }
    }
}
