using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RetryDemo.HelloService.Faults.Control;
using RetryDemo.HelloService.Faults.Injection;
using RetryDemo.HelloService.Faults.Profile;

namespace RetryDemo.HelloService.Faults;

public static class FaultInjectionExtensions
{
    public static IHostApplicationBuilder AddFaultInjection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<FaultOptions>(FaultOptions.SectionName)
            .KeepLastValid();

        builder.Services.AddOptions<FaultControlOptions>()
            .BindConfiguration(FaultControlOptions.SectionName)
            .ValidateOnStart()
            .KeepLastValid();
        builder.Services.AddSingleton<IValidateOptions<FaultControlOptions>, FaultControlOptionsValidator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FaultDice>();
        builder.Services.AddSingleton<FaultControlGate>();
        builder.Services.AddSingleton<FaultInjectionFilter>();

        return builder;
    }
}
