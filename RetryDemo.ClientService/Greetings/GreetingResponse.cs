using RetryDemo.ClientService.Answers;

namespace RetryDemo.ClientService.Greetings;

public sealed record GreetingResponse(string Id, string Message, string IdempotencyKey, AttemptReport Report);
