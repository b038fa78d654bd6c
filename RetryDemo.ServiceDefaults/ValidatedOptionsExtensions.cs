using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Options bound to their configuration <paramref name="section"/>, checked by their data annotations, and
    /// checked at start-up: a bad value stops the service before it serves, naming the setting.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
