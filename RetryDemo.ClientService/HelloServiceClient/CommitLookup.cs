using Microsoft.Extensions.Http.Resilience;
using Polly;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Contracts;

namespace RetryDemo.ClientService.HelloServiceClient;

/// <summary>
/// Asks HelloService whether a write was committed after every attempt at it failed. One attempt,
/// bounded by the attempt timeout, outside the tuned pipeline: the check is not traffic, so it neither
/// feeds the retry budget or the breaker nor waits out a second retry schedule. It names the call it checks
/// (<c>X-Request-Id</c>), so a "not committed" also closes the key to that call's attempts still on their way:
/// a write that reaches the store after the check writes nothing, and the answer stays true.
/// </summary>
public sealed class CommitLookup(HttpClient http)
{
    public const string PipelineName = "hello-commit-lookup";

    public async Task<CommitCheck> FindByKeyAsync(string idempotencyKey, string name, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            // The key travels as a query value, so no spelling of it ('..', 'a/b', '%2e') changes the path;
            // the name's fingerprint lets HelloService refuse a key held for another greeting (422) instead
            // of returning it, in a URL of the same length whatever the name.
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/greetings/by-key?key={Uri.EscapeDataString(idempotencyKey)}&fingerprint={GreetingFingerprint.Of(name)}");
            request.Headers.Add(WireHeaders.RequestId, requestId);
            using var response = await http.SendAsync(request, cancellationToken);
            switch (response.StatusCode)
            {
                case System.Net.HttpStatusCode.NotFound:
                    // Only a 404 that closed the key to this call says "not committed": after any other, a write
                    // of this call still on its way could land.
                    return response.Headers.TryGetValues(WireHeaders.ClosedRequestId, out var closed) && closed.SequenceEqual([requestId])
                        ? CommitCheck.NotCommitted
                        : CommitCheck.Unknown;
                case System.Net.HttpStatusCode.UnprocessableEntity:
                    return CommitCheck.HeldForAnotherGreeting;
            }

            // Anything else, a 409 (a write with the key still in progress, which may yet commit) included, is no answer.

            return response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<GreetingReply>(cancellationToken) is { Id.Length: > 0, Message.Length: > 0 } greeting
                ? CommitCheck.Found(greeting)
                : CommitCheck.Unknown;
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or System.Text.Json.JsonException
                                   || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return CommitCheck.Unknown;
        }
    }

    public static void AddTo(IServiceCollection services, Func<IServiceProvider, Uri> baseAddress)
    {
        var lookup = services.AddHttpClient<CommitLookup>((provider, http) => http.BaseAddress = baseAddress(provider)).FollowingNoRedirects();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the documented way to replace the default handler.
        lookup.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        lookup.AddResilienceHandler(PipelineName, pipeline => pipeline.AddTimeout(HelloResilienceDefaults.AttemptTimeout));
    }
}
