namespace RetryDemo.ClientService.Resilience;

/// <param name="Name">
/// The name the standard handler gave HelloClient's pipeline: its options' name, and the
/// <c>pipeline.name</c> tag on Polly's metrics and logs.
/// </param>
public sealed record HelloResiliencePipeline(string Name);
