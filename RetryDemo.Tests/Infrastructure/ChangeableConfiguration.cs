using Microsoft.Extensions.Configuration;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>Configuration a test changes while the service runs, raising the same reload a changed appsettings.json raises.</summary>
public sealed class ChangeableConfiguration : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Change(string key, string? value)
    {
        Data[key] = value;
        try
        {
            OnReload();
        }
        catch (AggregateException)
        {
            // Every listener has run; one threw (options monitors validate on change). A changed file's
            // watcher swallows this the same way, and the service lives on with what it has.
        }
    }
}
