using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Greetings;

public sealed record CreateGreetingRequest([property: GreetingName] string? Name);
