using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetryDemo.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class LastValidOptionsExtensions
{
    /// <summary>Makes <see cref="LastValidOptions{T}"/> available, holding these options' values from start-up on.</summary>
    public static OptionsBuilder<T> KeepLastValid<T>(this OptionsBuilder<T> options) where T : class
    {
        options.Services.AddSingleton<LastValidOptions<T>>();
        options.Services.AddHostedService(services => services.GetRequiredService<LastValidOptions<T>>());
        return options;
    }
}
