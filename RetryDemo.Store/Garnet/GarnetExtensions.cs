using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RetryDemo.Store.Garnet;

public static class GarnetExtensions
{
    public static IHostApplicationBuilder AddGarnet(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GarnetOptions>(GarnetOptions.SectionName);
        builder.Services.AddSingleton<GarnetHost>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GarnetHost>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GarnetHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<GarnetHealthCheck>("garnet");
        return builder;
    }
}
