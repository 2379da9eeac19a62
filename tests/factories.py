"""Test data. Every tenant-owned factory takes its brand from a parent when it has one."""

from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import Brand, Membership, Role, TwitterAccount, User
from engagement.models import Contact, Conversation, CustomProfile, Label, Message


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.AGENT


class TwitterAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TwitterAccount

    brand = factory.SubFactory(BrandFactory)
    twitter_user_id = factory.Sequence(lambda n: str(4000000000 + n))
    screen_name = factory.Sequence(lambda n: f"brand_account_{n}")
    name = factory.LazyAttribute(lambda account: account.screen_name.replace("_", " ").title())
    access_token = factory.Sequence(lambda n: f"{4000000000 + n}-AccessToken{n:020d}")
    access_token_secret = factory.Sequence(lambda n: f"AccessTokenSecret{n:030d}")
    subscription_state = TwitterAccount.SubscriptionState.SUBSCRIBED


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    brand = factory.SubFactory(BrandFactory)
    twitter_user_id = factory.Sequence(lambda n: str(3000000000 + n))
    screen_name = factory.Sequence(lambda n: f"customer_{n}")
    name = factory.Sequence(lambda n: f"Customer {n}")


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    account = factory.SubFactory(TwitterAccountFactory)
    brand = factory.SelfAttribute("account.brand")
    contact = factory.SubFactory(ContactFactory, brand=factory.SelfAttribute("..brand"))
    last_message_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    brand = factory.SelfAttribute("conversation.brand")
    account = factory.SelfAttribute("conversation.account")
    direction = Message.Direction.INBOUND
    origin = Message.Origin.CUSTOMER
    status = Message.Status.RECEIVED
    external_id = factory.Sequence(lambda n: str(9000000000000 + n))
    text = factory.Sequence(lambda n: f"Hello, this is message {n}")


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"label-{n}")


class CustomProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomProfile

    account = factory.SubFactory(TwitterAccountFactory)
    brand = factory.SelfAttribute("account.brand")
    name = factory.Sequence(lambda n: f"Agent {n}")
