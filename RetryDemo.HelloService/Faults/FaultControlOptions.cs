using Microsoft.Extensions.Options;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Who may inject faults (the <c>FaultControl</c> section): the operator endpoints and the per-request
/// <c>X-Fault-*</c> headers. Off unless enabled; outside Development a key is required as well.
/// </summary>
public sealed class FaultControlOptions
{
    public const string SectionName = "FaultControl";
    public const string KeyHeader = RetryDemo.Contracts.WireHeaders.FaultControlKey;
    public const int MinimumKeyLength = 16;

    public bool Enabled { get; set; }

    /// <summary>Shared secret callers send in <see cref="KeyHeader"/>; optional in Development only.</summary>
    public string? Key { get; set; }
}

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
