using RetryDemo.Contracts;

namespace RetryDemo.ClientService.Greetings;

/// <param name="Name">Checked by HelloService's own rule (<see cref="GreetingNameAttribute"/>), so a bad name is the caller's 400 here, never a 502.</param>
public sealed record NewGreeting([property: GreetingName] string? Name);
