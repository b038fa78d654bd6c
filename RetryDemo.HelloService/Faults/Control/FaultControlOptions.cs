using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults.Control;

/// <summary>
/// Who may inject faults (the <c>FaultControl</c> section): the operator endpoints and the per-request
/// <c>X-Fault-*</c> headers. Off unless enabled; outside Development a key is required as well.
/// </summary>
public sealed class FaultControlOptions
{
    public const string SectionName = "FaultControl";
    public const int MinimumKeyLength = 16;

    public bool Enabled { get; set; }

    /// <summary>Shared secret callers send in <see cref="WireHeaders.FaultControlKey"/>; optional in Development only.</summary>
    public string? Key { get; set; }
}
