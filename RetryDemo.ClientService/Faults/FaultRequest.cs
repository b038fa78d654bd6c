using RetryDemo.Contracts.Faults;

namespace RetryDemo.ClientService.Faults;

/// <summary>
/// Faults a caller asks HelloService to inject for this one logical request (the query string of
/// <c>GET /hello</c> and <c>POST /greetings</c>), forwarded as <c>X-Fault-*</c> headers. Parsed here
/// with the contract's own parser, so a bad value is the caller's 400, not a downstream failure, and
/// both services read a value the same way.
/// </summary>
public static class FaultRequest
{
    /// <summary>The fault parameters a query names, whatever their values.</summary>
    public static IReadOnlyList<string> Named(IQueryCollection query) =>
        FaultSettings.All.Where(setting => query.ContainsKey(setting.Query)).Select(setting => setting.Query).ToArray();

    public static FaultValues Read(IQueryCollection query, Dictionary<string, string[]> errors) =>
        FaultValues.Read(setting => setting.Query, name => query[name], errors);
}
