using Microsoft.Extensions.Options;

namespace RetryDemo.HelloService.Faults.Control;

public sealed class FaultControlOptionsValidator(IHostEnvironment environment) : IValidateOptions<FaultControlOptions>
{
    public ValidateOptionsResult Validate(string? name, FaultControlOptions options)
    {
        if (!string.IsNullOrEmpty(options.Key) && options.Key.Length < FaultControlOptions.MinimumKeyLength)
        {
            return ValidateOptionsResult.Fail($"FaultControl:Key must be at least {FaultControlOptions.MinimumKeyLength} characters.");
        }

        if (options.Enabled && string.IsNullOrEmpty(options.Key) && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"FaultControl:Enabled is true in {environment.EnvironmentName} but FaultControl:Key is empty; outside Development fault controls need a key.");
        }

        return ValidateOptionsResult.Success;
    }
}
